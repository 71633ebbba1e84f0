"""station_kit: the toolkit a community New Era Civilization Practice Station runs on."""

__version__ = "0.1.0"
