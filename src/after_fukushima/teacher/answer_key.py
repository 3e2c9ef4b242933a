"""Write teacher/answer_key.md from the question banks, so the key never drifts from the questions.

python -m after_fukushima.teacher.answer_key          (or: make answer-key)
"""

import sys

from after_fukushima import paths
from after_fukushima.exercises.bank import Bank, all_banks


def _answer(entry: dict) -> str:
    kind = entry["kind"]
    if kind == "multiple_choice":
        return entry["answer"]
    if kind == "choose_all":
        return "; ".join(entry["answers"])
    if kind == "number":
        return f"{entry['answer']:g} {entry.get('unit', '')} (accepted within ±{entry.get('tolerance', 0):g})".replace(
            "  ", " "
        )
    if kind == "order":
        return " → ".join(entry["items"])
    if kind == "match":
        return "; ".join(f"{left} → {right}" for left, right in entry["pairs"].items())
    if kind == "sort":
        return "; ".join(f"{statement} → {category}" for statement, category in entry["items"].items())
    if kind == "reflection":
        return "not graded (kept in the student's progress file)"
    if kind == "judgement":
        return "none: not graded (each student's verdicts are kept in their progress file)"
    if kind == "code_task":
        answer = entry["answer"]
        shown = f"{answer:g} {entry.get('unit', '')}".strip() if not isinstance(answer, str) else answer
        return f"{shown}, from this solution:\n\n```python\n{entry['solution'].strip()}\n```"
    raise ValueError(kind)


def render(banks: list[Bank]) -> str:
    lines = [
        "# Answer key",
        "",
        "Generated from exercises/banks/ by `python -m after_fukushima.teacher.answer_key`; edit the banks, not this "
        "file.",
        "",
    ]
    for bank in banks:
        lines += [f"## {bank.lesson}: {bank.title}", ""]
        for number, entry in enumerate(bank.entries, start=1):
            lines += [
                f"**{number}. {entry['prompt']}** ({entry['kind'].replace('_', ' ')}, `{entry['id']}`)",
                "",
                f"- Answer: {_answer(entry)}",
            ]
            if entry["kind"] == "judgement" and entry.get("judged_as") == "prediction":
                lines.append(
                    "- What the model does, and why (a prediction is kept, not graded: the student then runs the "
                    "simulator to find out):"
                )
            elif entry["kind"] == "judgement":
                lines.append(
                    "- The course's reading, with its evidence (a reading to argue with, not a key: a different "
                    "verdict with good evidence is not wrong):"
                )
                lines += [
                    f"    - {statement} → *{reading}*: {entry['feedback'][statement]}"
                    for statement, reading in entry["items"].items()
                ]
            if entry.get("explanation"):
                lines.append(f"- Why: {entry['explanation']}")
            if entry.get("source"):
                lines.append(f"- Source: {entry['source']}")
            lines.append("")
    return "\n".join(lines)


def main() -> int:
    target = paths.course_root() / "teacher" / "answer_key.md"
    target.write_text(render(all_banks()), encoding="utf-8")
    print(f"wrote {target.relative_to(paths.course_root())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
