"""The teachers' room: the tools a teacher runs, from the teacher's notebook or a checkout's ``make``.

- ``class_report``  reads a class's hand-in files into tables and figures (teacher/class_report.ipynb:
                    ``from after_fukushima.teacher import class_report as report``)
- ``role_play``     writes lesson 04's role-play cards, teacher/role_play_cards.md, from data/ and the model
                    (``make cards``)
- ``answer_key``    writes the answer key, teacher/answer_key.md, from the question banks (``make answer-key``)
- ``class_links``   prints the nbgitpuller link that brings the course to a class on a JupyterHub (``make link``)

These tools may import the students' runtime (the banks, the exercise kinds, the scorecard, the figure style);
the students' runtime never imports this package (no lesson reads hand-ins or writes the answer key), and
neither does anything below it.
"""
