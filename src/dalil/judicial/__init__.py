"""The investigative judge (PRODUCT.md IN-5): requests, decisions, deadlines, referral dossier."""
