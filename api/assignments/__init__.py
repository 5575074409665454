"""Assignments: cell leaders give tasks to members and follow each record to the end."""
