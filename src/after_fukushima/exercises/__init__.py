"""Widget exercises built from the question banks in exercises/banks/.

>>> bank = load_bank("00_start_here")
>>> bank.exercise("summit-place")      # shows the widget in a notebook
"""

from after_fukushima.exercises.bank import Bank, BankError, all_banks, load_bank, read_bank
from after_fukushima.exercises.base import Exercise, InvalidAnswer, Verdict
from after_fukushima.exercises.kinds import KINDS

__all__ = ["Bank", "BankError", "Exercise", "InvalidAnswer", "KINDS", "Verdict", "all_banks", "load_bank", "read_bank"]
