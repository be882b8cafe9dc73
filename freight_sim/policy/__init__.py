"""Clean-transport rule profiles and the ratio/compliance computations built on them."""

from freight_sim.policy.profiles import DEFAULT_PROFILE, Movement, RuleProfile, get_profile, load_profiles

__all__ = ["DEFAULT_PROFILE", "Movement", "RuleProfile", "get_profile", "load_profiles"]
