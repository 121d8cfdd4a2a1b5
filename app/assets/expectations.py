"""Plain-language "what to expect" for someone going for the first time."""

from app.assets.models import Asset, AssetKind

FIRST_MEETING = (
    "You do not have to say anything or give your name. Arrive a few minutes early and, if you "
    "like, tell whoever greets you that it is your first time. Meetings are free; a collection "
    "may go round for the rent and tea, and you do not have to give."
)
FELLOWSHIP_NOTES = {
    "SMART": "SMART Recovery meetings are led by a trained facilitator. People talk through "
    "practical tools for managing urges and making changes; no steps, no labels.",
    "Al-Anon": "For anyone affected by someone else's drinking. You do not need to bring the "
    "person you are worried about.",
    "FA": "For relatives and friends of someone with a drug problem.",
}
KIND_NOTES = {
    AssetKind.bumping_space: "Just turn up. Nobody will ask why you are there.",
    AssetKind.volunteering: "Get in touch or drop in at the time shown to find out more; most "
    "roles include training and need no experience.",
    AssetKind.course: "Courses may have a start date or limited places: check when you arrive "
    "or use the contact details.",
}


def what_to_expect(asset: Asset) -> list[str]:
    notes: list[str] = []
    if asset.kind == AssetKind.meeting:
        if "O" in asset.types:
            notes.append("Open meeting: anyone is welcome, including family, friends and anyone "
                         "who is curious.")  # fmt: skip
        elif "C" in asset.types:
            notes.append("Closed meeting: for people who have a problem with drink or drugs, or "
                         "think they might.")  # fmt: skip
        if "BE" in asset.types:
            notes.append("Newcomers' meeting: especially for people who are new.")
        if asset.fellowship in FELLOWSHIP_NOTES:
            notes.append(FELLOWSHIP_NOTES[asset.fellowship])
        notes.append(FIRST_MEETING)
    elif asset.kind in KIND_NOTES:
        notes.append(KIND_NOTES[asset.kind])
    return notes
