"""The people register (DESIGN §2b): network people, their roles and capabilities, with PDPA built in."""
