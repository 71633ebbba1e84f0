"""The reference station, 兴神路社区 in 神木市麟州街道 (DESIGN.md §2), built from a fixed seed."""

from station_kit.demo.station import DEMO_SEED, build_demo

__all__ = ["DEMO_SEED", "build_demo"]
