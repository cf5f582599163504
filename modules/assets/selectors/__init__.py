"""What the assets module reads for its screens, reports and other modules."""
