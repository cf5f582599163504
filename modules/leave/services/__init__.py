"""Every write of the leave module. Other modules call these, never the models."""
