"""Small models the lessons let students play with; each says what it assumes and where its numbers come from.

- ``cooperation``  who would join an international nuclear-safety mechanism (lesson 04): the pure model
- ``simulator``    the lesson's widget on top of it, the table of weights and the sensitivity view
"""
