"""Assignments and their graded suites; one package per assignment."""
