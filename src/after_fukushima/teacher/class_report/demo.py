"""An invented class of hand-ins (``demo_class``), to try the class report on before the real ones come in.

Called by the teacher's notebook when its folder of hand-ins is empty, and by the tests. The files are written
exactly as ``scorecard.hand_in_csv`` writes a student's, from the real question banks, and are the same byte
for byte for the same seed.
"""

import csv
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from after_fukushima.exercises.bank import usable_banks
from after_fukushima.exercises.kinds import UNGRADED, count_words
from after_fukushima.scorecard import HAND_IN_COLUMNS, as_plain_text, file_name_for, spreadsheet_safe

DEMO_SOURCE = "Source: an invented demo class (class_report.demo_class), not real students"

# Sentences a student might write in a reflection; a demo reflection strings one to four of them together.
DEMO_SENTENCES = [
    "A radioactive cloud does not stop at a border, so one country's accident becomes its neighbours' problem.",
    "Governments do not like outsiders inspecting their plants because it looks like they cannot manage on their own.",
    "The IAEA can review a plant only when the country invites it, so its reports depend on goodwill.",
    "Germany decided to leave nuclear power while France kept most of its reactors, so their interests differ.",
    "Companies that sell reactors may want to keep their best safety technology secret to win contracts.",
    "Sharing information quickly after an accident would help other countries protect their people.",
    "I think trust is the real obstacle: countries agree on paper but then do not let anyone check.",
    "Cooperation costs money, and a country with few reactors gains less from it than one with many.",
    "Japan found that its own regulator was too close to the power company, which an outside review might have shown.",
    "An agreement without binding rules can be ignored when a government changes its mind.",
    "Peer reviews worked better than treaties because experts talk to experts.",
    "The experts were right that putting the mechanism into practice would be the hard part.",
    "Newcomer countries building their first reactors need help with safety the most.",
    "In my view the G8 statement was mostly words, but it started the stress tests in Europe.",
]
DEMO_TERM_START = datetime(2025, 9, 8, 8, 30, tzinfo=UTC)  # an invented Monday: lesson 00's day
DEMO_LESSONS_TAUGHT = 5  # lessons 00 to 04 taught; a few students are ahead, some behind


def _right_answer(entry: dict, rng: random.Random):
    kind = entry["kind"]
    if kind == "multiple_choice":
        return entry["answer"]
    if kind == "choose_all":
        return [o for o in entry["options"] if o in entry["answers"]]
    if kind == "order":
        return list(entry["items"])
    if kind == "match":
        return list(entry["pairs"].values())
    if kind == "sort":
        return list(entry["items"].values())
    if isinstance(entry["answer"], str):
        return entry["answer"]
    answer, tolerance = float(entry["answer"]), entry.get("tolerance", 0)
    rounded = round(answer, 1)  # what a student reading a table might type, if close enough to count
    if kind == "number" and tolerance and abs(rounded - answer) <= tolerance and rng.random() < 0.5:
        return rounded
    return answer


def _swap(values: list, i: int, j: int) -> list:
    values = list(values)
    values[i], values[j] = values[j], values[i]
    return values


def _wrong_answer(entry: dict, rng: random.Random, popular: int):
    """A wrong answer a student might give: most often the exercise's 'popular' mistake, otherwise another."""
    kind = entry["kind"]
    usual = rng.random() < 0.6
    if kind == "multiple_choice":
        wrong = [o for o in entry["options"] if o != entry["answer"]]
        return wrong[popular % len(wrong)] if usual else rng.choice(wrong)
    if kind == "choose_all":
        wrong = [o for o in entry["options"] if o not in entry["answers"]]
        ticked = set(entry["answers"])
        if wrong and (usual or rng.random() < 0.5):
            ticked.add(wrong[popular % len(wrong)] if usual else rng.choice(wrong))
        else:
            ticked.discard(rng.choice(entry["answers"]))
            if not ticked:
                ticked.add(rng.choice(wrong))
        return [o for o in entry["options"] if o in ticked]
    if kind == "order":
        n = len(entry["items"]) - 1
        i = popular % n if usual else rng.randrange(n)
        return _swap(entry["items"], i, i + 1)
    if kind in ("match", "sort"):
        right = list((entry["pairs"] if kind == "match" else entry["items"]).values())
        n = len(right)
        if kind == "sort":
            k = popular % n if usual else rng.randrange(n)
            others = [c for c in entry["categories"] if c != right[k]]
            return right[:k] + [rng.choice(others) if not usual else others[0]] + right[k + 1 :]
        i = popular % n if usual else rng.randrange(n)
        j = next((j for j in [*range(i + 1, n), *range(i)] if right[j] != right[i]), i)
        return _swap(right, i, j)
    mistakes = [m["value"] for m in entry.get("mistakes", [])]
    if mistakes and (usual or rng.random() < 0.5):
        return mistakes[popular % len(mistakes)] if usual else rng.choice(mistakes)
    if isinstance(entry["answer"], str):
        return rng.choice(["Germany", "Japan", "Belgium"])
    answer, tolerance = float(entry["answer"]), entry.get("tolerance", 0)
    step = max(abs(answer) * rng.choice([0.1, 0.2, 0.5]), 3 * tolerance, 1)
    guess = answer + rng.choice([-1, 1]) * step
    guess = round(guess, 1) if not answer.is_integer() else float(round(guess))
    return guess if abs(guess - answer) > tolerance else answer + 2 * step


def _reflection(rng: random.Random, entry: dict) -> str:
    target = entry.get("min_words", 30)
    sentences = rng.sample(DEMO_SENTENCES, rng.choice([1, 2, 2, 3, 3, 4]))
    text = " ".join(sentences)
    return text if count_words(text) < 3 * target else " ".join(sentences[:2])


def demo_class(folder, students: int = 30, seed: int = 0, problems: bool = False) -> list[Path]:
    """Write an invented class's hand-ins to ``folder`` (created if needed) and return their paths.

    One file per student, named and laid out exactly as ``scorecard.hand_in_csv`` writes them, for students
    called 'Student 01', 'Student 02'… Every answer uses the real exercises of the banks: right answers, the
    banks' own wrong options and listed mistakes (each exercise has one mistake made more often than the others)
    and other wrong answers; reflections are strung together from ``DEMO_SENTENCES``; a judgement's verdicts are
    mostly the course's reading, some not. The class has been taught
    lessons 00-04: most students tried nearly everything there, a few went on into lesson 05, and about one in
    six is behind (stopped after two or three lessons, skipped more). Times are invented, from 8 September 2025.
    Nothing depends on the clock: the same ``seed`` gives the same files, byte for byte.

    With ``problems=True`` two files a teacher will meet are added: an older, shorter copy of the second student's
    hand-in ('… (1).csv') and an empty file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    banks = usable_banks()[0]
    difficulty = {
        (b.lesson, e["id"]): rng.uniform(-1.0, 1.3) + (0.5 if e["kind"] == "code_task" else 0)
        for b in banks
        for e in b.entries
    }
    popular = {key: rng.randrange(12) for key in difficulty}
    width = max(2, len(str(students)))
    paths = []
    for number in range(1, students + 1):
        name = f"Student {number:0{width}d}"
        ability = rng.gauss(0, 0.9)
        pace = rng.random()
        lessons = rng.choice([2, 3]) if pace < 0.17 else DEMO_LESSONS_TAUGHT + 1 if pace > 0.83 else DEMO_LESSONS_TAUGHT
        keen = 0.72 if pace < 0.17 else 0.94
        rows = []
        for k, bank in enumerate(banks[:lessons]):
            last = k == lessons - 1 and pace < 0.17
            moment = DEMO_TERM_START + timedelta(days=7 * k, seconds=rng.randrange(600))
            for entry in bank.entries:
                moment += timedelta(seconds=90 + rng.randrange(240))
                if rng.random() > (keen * (0.6 if last else 1.0) * (0.8 if entry["kind"] in UNGRADED else 1.0)):
                    continue
                if entry["kind"] == "judgement":  # verdicts, mostly the course's reading, some of the student's own
                    readings = list(entry["items"].values())
                    own = [r if rng.random() < 0.7 else rng.choice(entry["categories"]) for r in readings]
                    rows.append((bank.lesson, entry, own, None, moment))
                    continue
                if entry["kind"] == "reflection":
                    for _ in range(1 if rng.random() < 0.75 else 2):
                        text = _reflection(rng, entry)
                        rows.append((bank.lesson, entry, text, None, moment))
                        moment += timedelta(seconds=60 + rng.randrange(120))
                    continue
                chance = 1 / (1 + math.exp(-(0.9 + ability - difficulty[(bank.lesson, entry["id"])])))
                for _ in range(4):
                    right = rng.random() < chance
                    answer = (
                        _right_answer(entry, rng)
                        if right
                        else _wrong_answer(entry, rng, popular[(bank.lesson, entry["id"])])
                    )
                    rows.append((bank.lesson, entry, answer, right, moment))
                    moment += timedelta(seconds=20 + rng.randrange(70))
                    if right or rng.random() < 0.25:  # solved, or gave up for now
                        break
                    chance = min(0.95, chance + 0.25)
        paths.append(_write_demo(folder / file_name_for(name), name, rows))
    if problems and students >= 2:
        second = paths[1]
        lines = second.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        older = folder / f"{second.stem} (1).csv"
        older.write_text("".join(lines[: max(2, len(lines) // 2)]), encoding="utf-8-sig", newline="")
        empty = folder / file_name_for(f"Student {students + 1:0{width}d}")
        empty.write_bytes(b"")
        paths += [older, empty]
    return paths


def _write_demo(path: Path, student: str, rows: list) -> Path:
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HAND_IN_COLUMNS)
        writer.writeheader()
        for lesson, entry, answer, correct, moment in rows:
            counts[entry["id"]] = counts.get(entry["id"], 0) + 1
            writer.writerow(
                {
                    "student": spreadsheet_safe(student),
                    "lesson": lesson,
                    "exercise": entry["id"],
                    "kind": entry["kind"],
                    "attempt": counts[entry["id"]],
                    "correct": "" if correct is None else correct,
                    "answer": spreadsheet_safe(as_plain_text(answer)),
                    "saved_at": moment.isoformat(timespec="seconds"),
                }
            )
    return path
