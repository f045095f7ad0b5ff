"""Constraint-based strength periodisation planner for endurance athletes."""

__version__ = "0.1.0"
