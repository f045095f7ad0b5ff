"""Fixed figures shared by the model, the validator and the exports."""

MAX_WEEKS = 104  # longest planning horizon
WARM_UP_MIN = 5  # every session opens with a short warm-up; it counts toward session length
SETUP_S = 30  # moving between exercises and setting up equipment, per exercise
