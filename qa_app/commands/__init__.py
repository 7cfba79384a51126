"""Sub-commands of `qadesk`, grouped by area; each module has register(group)."""
