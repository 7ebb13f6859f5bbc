"""Every table of the app, for the migrations check, the backup and the tests. Features import
their own tables from their own package (``barcamp.tips.models``), and shared ones from
``barcamp.core.models``."""

from barcamp.branding.models import Branding
from barcamp.core.models import Attendee, Day, Event, FacilitatorLink, Room, Slot, Tag, this_hour, utcnow
from barcamp.grid.models import Placement
from barcamp.helping.models import HelpOffer
from barcamp.mixer.models import BuddyOffer, BuddyPair, BuddyRequest, MeetingPoint, MixMember, MixRound, MixShare
from barcamp.pitches.models import Pitch, PitchTimer, Vote, pitch_tag
from barcamp.questions.models import Question, QuestionReport, QuestionVote
from barcamp.tips.models import BoardReport, CardLink, Connection, Tip, TipCard, TipMark, card_tag, tip_tag

__all__ = [
    "Attendee",
    "BoardReport",
    "Branding",
    "BuddyOffer",
    "BuddyPair",
    "BuddyRequest",
    "CardLink",
    "Connection",
    "Day",
    "Event",
    "HelpOffer",
    "FacilitatorLink",
    "MeetingPoint",
    "MixMember",
    "MixRound",
    "MixShare",
    "Placement",
    "Pitch",
    "PitchTimer",
    "Question",
    "QuestionReport",
    "QuestionVote",
    "Room",
    "Slot",
    "Tag",
    "Tip",
    "TipCard",
    "TipMark",
    "Vote",
    "card_tag",
    "pitch_tag",
    "this_hour",
    "tip_tag",
    "utcnow",
]
