"""诚信: a venue's integrity level (A/B/C/D) from the town office's rules (venues.models.IntegrityRule)
over the venue's record in the window (IntegritySettings.window_months): the worst level any active
rule gives, with the reasons of every rule that applies; A when none does; D while a serious case
decided against it stands (venues.models.SeriousCase, status UPHELD). Kept on the venue
(``integrity_level``, ``integrity_reasons``) by ``refresh``, which venues.schedule calls before
it recomputes due dates (the level changes the interval). The one place for the rule.

(Issue 12, part A: to be built.)"""
