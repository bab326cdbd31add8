"""lendercheck: is this lending platform licensed? Answers from regulators' own lists, with evidence."""

__version__ = "0.1.0"
