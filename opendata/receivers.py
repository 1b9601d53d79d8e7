"""Reactions of the open data to events elsewhere: publish again after checks and payment registries."""
