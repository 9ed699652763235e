import rules

from sightline.accounts.rules import is_front_door, is_front_door_manager

rules.add_perm("frontdoor.view_queue", is_front_door)
rules.add_perm("frontdoor.decide_contact", is_front_door)
rules.add_perm("frontdoor.authorise_decision", is_front_door_manager)
