"""Verifiable random draws (ssj-draw/1): the pure protocol core and its reference verifier.

No Django here, so the package can be copied out and run on its own: `python -m tasks.draw BUNDLE`.
"""
