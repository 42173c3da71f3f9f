"""The end of every check script of tests/ (labels.py, globals.py,
include_graph.py): one line per fault, or one line saying what holds.

verdict(faults, holds) prints each fault and returns 1 when there is
any, else prints holds and returns 0: the script's exit status.
usage(doc) prints the usage line of a script's docstring (its third
line) on stderr and returns 2. Python 3 standard library only.
"""
import sys


def verdict(faults, holds):
    """Exit status 1 after the faults, or 0 after the line that holds."""
    for line in faults:
        print(line)
    if faults:
        return 1
    print(holds)
    return 0


def usage(doc):
    """Exit status 2 after the script's usage line."""
    print(doc.strip().splitlines()[2], file=sys.stderr)
    return 2
