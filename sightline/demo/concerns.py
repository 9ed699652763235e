"""What the demo district's contacts say: invented concerns in the words practitioners use.

Every text is a template filled with the synthetic child's first name and details; none is
taken from a real case.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = (
    "domestic_abuse",
    "neglect",
    "parental_mental_health",
    "substance_misuse",
    "adolescent_risk",
    "physical_harm",
    "housing_and_poverty",
)

# Who tells the front door about each kind of worry (the referrer kinds of history.py).
REFERRERS: dict[str, dict[str, float]] = {
    "domestic_abuse": {
        "police_system": 0.5,
        "police_officer": 0.22,
        "school": 0.1,
        "health_visitor": 0.06,
        "refuge": 0.05,
        "family": 0.04,
        "anonymous": 0.03,
    },
    "neglect": {
        "school": 0.3,
        "health_visitor": 0.2,
        "gp": 0.07,
        "acquaintance": 0.1,
        "anonymous": 0.08,
        "housing": 0.07,
        "harbour": 0.06,
        "police_officer": 0.12,
    },
    "parental_mental_health": {
        "gp": 0.25,
        "health_visitor": 0.18,
        "school": 0.15,
        "ed": 0.1,
        "police_officer": 0.17,
        "family": 0.15,
    },
    "substance_misuse": {
        "police_officer": 0.3,
        "probation": 0.15,
        "gp": 0.12,
        "ed": 0.1,
        "anonymous": 0.15,
        "school": 0.18,
    },
    "adolescent_risk": {
        "police_system": 0.2,
        "police_officer": 0.25,
        "school": 0.3,
        "yjs": 0.15,
        "ed": 0.1,
    },
    "physical_harm": {
        "school": 0.4,
        "ed": 0.2,
        "health_visitor": 0.15,
        "gp": 0.05,
        "family": 0.1,
        "police_officer": 0.1,
    },
    "housing_and_poverty": {
        "housing": 0.45,
        "harbour": 0.2,
        "school": 0.2,
        "health_visitor": 0.15,
    },
}

# Who said it: police, school, health, public (family, neighbours, anonymous) or agency (housing,
# probation, youth justice, voluntary sector). "any" fits every referrer.
GROUPS = {
    "police_system": "police",
    "police_officer": "police",
    "school": "school",
    "school_nurse": "school",
    "health_visitor": "health",
    "gp": "health",
    "ed": "health",
    "family": "public",
    "acquaintance": "public",
    "anonymous": "public",
}

CONCERNS: dict[str, list[tuple[str, str]]] = {
    "domestic_abuse": [
        (
            "police",
            "Police attended {address} after a neighbour reported shouting and banging. "
            "{carer} had a cut to {carer_their} lip and said {partner} had pushed {carer_them}. "
            "{name} was in the home, upstairs, during the incident.",
        ),
        (
            "police",
            "Domestic incident at {address}: verbal argument between {carer} and "
            "{partner}, reported by {carer}. No injuries seen. {name} ({age}) was present and was "
            "crying when officers arrived.",
        ),
        (
            "police",
            "{carer} called police to say {partner} had returned to the address despite "
            "being told to stay away, and had smashed a window. {name} was asleep in the house.",
        ),
        (
            "school",
            "{name} told a member of staff that {partner} 'was shouting at mum again' "
            "last night and that {they} hid in {their} bedroom. {they_cap} seemed tired and "
            "withdrawn.",
        ),
        (
            "health agency",
            "At a routine contact {carer} disclosed that {partner} controls the "
            "family's money and checks {carer_their} phone, and that there have been arguments in "
            "front of {name}.",
        ),
        (
            "public",
            "I live next door. There is shouting and screaming most weekends and I heard "
            "{carer} crying and saying 'not in front of the kids'. {name} ({age}) lives there.",
        ),
    ],
    "neglect": [
        (
            "school",
            "{name} ({age}) has come to school hungry on most days this half term and has "
            "been wearing the same uniform, which is dirty. Attendance is {attendance}%.",
        ),
        (
            "health agency",
            "Home visit to {address}: the home was cold and there was very little "
            "food. {name} was in dirty clothes and had a rash that has not been treated. "
            "Two health appointments have been missed.",
        ),
        (
            "public police",
            "{name} and the other children at {address} are often left alone in "
            "the evenings and are seen playing out late without an adult.",
        ),
        (
            "health",
            "{name} has untreated tooth decay and has not been brought to three dental "
            "appointments. {carer} says transport is difficult.",
        ),
        (
            "health",
            "{name}'s weight has dropped across the last two reviews and {carer} has not "
            "followed the plan agreed with the health visitor.",
        ),
    ],
    "parental_mental_health": [
        (
            "health police",
            "{carer} presented in crisis, saying {carer_they} could not cope and "
            "had thoughts of harming {carer_them}self. {name} ({age}) was with {carer_them} at the "
            "time.",
        ),
        (
            "school health",
            "{carer} has stopped taking prescribed medication and is described by "
            "family as very low. {name} has been missing school to stay at home with "
            "{carer_them}.",
        ),
        (
            "public",
            "I am family. I am worried that {carer} is not getting out of bed and that "
            "{name} is looking after the younger children and doing the shopping.",
        ),
        (
            "police",
            "Police were called to {address} for a welfare check on {carer}, who had "
            "sent messages saying goodbye to a friend. {name} was in the home.",
        ),
    ],
    "substance_misuse": [
        (
            "school",
            "{carer} appeared intoxicated when collecting {name} from school and was "
            "unsteady on {carer_their} feet. Staff did not let {name} leave with "
            "{carer_them} until another adult came.",
        ),
        (
            "police agency",
            "Drug paraphernalia found at {address} during a police search linked "
            "to {partner}. {name} ({age}) lives at the address.",
        ),
        (
            "school health",
            "{name} said {carer} 'drinks the special drinks and then sleeps all day'.",
        ),
        (
            "any",
            "{partner} is known to use cannabis and cocaine and is staying at {address} most "
            "nights; {name} is in the household.",
        ),
    ],
    "adolescent_risk": [
        (
            "police",
            "{name} ({age}) was reported missing overnight and was found in another town "
            "with older males. {they_cap} would not say where {they} had been.",
        ),
        (
            "school public",
            "{name} has been seen getting into cars with adults not known to the "
            "family and has a new phone and new clothes {carer} cannot explain.",
        ),
        (
            "police agency",
            "{name} was arrested for possession of a knife near the town centre. "
            "{they_cap} said {they} carry it 'for protection'.",
        ),
        (
            "school health",
            "{name} disclosed self-harm, showing cuts to {their} arm, and said "
            "things at home were 'too much'.",
        ),
        (
            "school agency",
            "{name} has been excluded for the third time this term and is spending "
            "days in the town centre with older young people known to police.",
        ),
    ],
    "physical_harm": [
        (
            "school health",
            "{name} ({age}) arrived with bruising to {their} cheek. {they_cap} said "
            "{they} 'fell over' but later said {partner} had hit {them}.",
        ),
        (
            "health",
            "{name} attended the emergency department with a wrist injury; the "
            "explanation given changed between the triage nurse and the doctor.",
        ),
        (
            "school health",
            "{name} has a mark on {their} upper arm that looks like a grip mark. "
            "{carer} says it happened at the park.",
        ),
        (
            "public police",
            "An adult at {address} was seen repeatedly hitting {name} in the garden.",
        ),
    ],
    "housing_and_poverty": [
        (
            "agency",
            "The family at {address} has been served notice and is likely to be homeless "
            "within four weeks. {name} ({age}) and the other children are in the household.",
        ),
        (
            "agency health",
            "The home at {address} has severe damp and mould; {name} has repeated "
            "chest infections. {carer} is struggling to manage rent arrears.",
        ),
        (
            "any",
            "{carer} asked for food bank vouchers for the third time this month and said the "
            "gas has been cut off. {name} is in the household.",
        ),
    ],
}


def concern_templates(category: str, referrer: str) -> list[str]:
    """The templates that fit what this referrer would know and how they would say it."""
    group = GROUPS.get(referrer, "agency")
    fitting = [text for who, text in CONCERNS[category] if group in who.split() or who == "any"]
    return fitting or [text for _, text in CONCERNS[category]]


# What a reporter says when they think the child is in danger now or something must happen
# today: the demo's open queue holds some of each, so a new user sees urgency at work.
URGENT_CONCERNS: dict[str, list[str]] = {
    "immediate": [
        "{name} is outside {address} in the dark and says {they} cannot go home because "
        "{carer} has been hit and there is still shouting inside.",
        "{name} rang from a friend's phone saying {carer} has not woken up and there are "
        "tablets on the floor. {they_cap} is alone with the baby.",
    ],
    "today": [
        "{name} told staff {they} is frightened to go home tonight because {partner} is back "
        "in the house. {they_cap} is due to be collected at 3pm.",
        "{name} has a mark on {their} neck and would not say how it happened. {carer} is "
        "collecting {them} at the end of the day.",
    ],
}


def urgent_concern_templates(urgency: str) -> list[str]:
    """Concerns in the words of someone who needs the front door to act now or today."""
    return URGENT_CONCERNS.get(urgency, [])


CHILD_VOICE: dict[str, list[str]] = {
    "domestic_abuse": [
        "I put my headphones on so I don't hear it.",
        "I don't like it when they shout.",
    ],
    "neglect": ["There was no breakfast.", "Mum was asleep so I got myself ready."],
    "parental_mental_health": [
        "I have to look after mum.",
        "I don't want to leave her on her own.",
    ],
    "substance_misuse": ["He gets angry when he has the drinks."],
    "adolescent_risk": ["They look after me, they're my mates.", "Nobody listens at home."],
    "physical_harm": ["I fell over.", "Please don't tell."],
    "housing_and_poverty": ["We might have to move again.", "My bedroom is cold."],
}

PRESENTATION = [
    "Quiet and withdrawn; would not make eye contact.",
    "Tired, hungry, asked for food.",
    "Chatty and settled, played with the toys in the room.",
    "Anxious and tearful when home was mentioned.",
    "Appeared clean and appropriately dressed.",
]

ACTIONS = [
    "Discussed with the designated safeguarding lead; parent spoken to.",
    "Safety plan agreed with the parent; school informed.",
    "Advice given to the parent; GP informed.",
    "Officers completed a DASH risk assessment and gave safety advice.",
    "Child seen alone and spoken to; no immediate safety concerns.",
]

RATIONALES: dict[str, list[str]] = {
    "nfa": [
        "Concern addressed by the referrer with the family; no indication of unmet need at "
        "this time. Universal services remain involved.",
        "Information from partners shows the child is well, attending school and registered "
        "with a GP. No further action; referrer advised to contact again if worried.",
        "Single incident, parent protective and engaging with support. No further action.",
    ],
    "advice": [
        "Advice given to the referrer about support through universal services; family "
        "signposted to the local family hub.",
        "Referrer advised to complete an early help assessment with the family's consent; "
        "signposting information sent.",
    ],
    "early_help": [
        "Needs meet level 3 on the continuum of need. Family consent to early help; passed to "
        "the early help hub to allocate a key worker.",
        "Cumulative concerns about routines and school attendance. Targeted family support "
        "offered and accepted.",
    ],
    "referral": [
        "Concerns meet the threshold for a social work assessment under section 17. Allocated "
        "to the assessment team.",
        "Pattern of incidents and partner information indicate the child may be a child in "
        "need. Referral to children's social care for assessment.",
        "Risk is escalating and parents are not engaging with early help. Step up to an "
        "assessment.",
    ],
    "strategy": [
        "Reasonable cause to suspect significant harm. Strategy discussion to be convened today "
        "with police and health.",
        "Injury with no consistent explanation. Immediate strategy discussion; child protection "
        "medical to be considered.",
    ],
}


@dataclass(frozen=True)
class Wording:
    """The words a template needs about one child and their household."""

    name: str
    age: str
    they: str
    their: str
    them: str
    carer: str
    carer_they: str
    carer_their: str
    carer_them: str
    partner: str
    address: str
    attendance: int

    def fill(self, template: str) -> str:
        values = {
            "name": self.name,
            "age": self.age,
            "they": self.they,
            "they_cap": self.they.capitalize(),
            "their": self.their,
            "them": self.them,
            "carer": self.carer,
            "carer_they": self.carer_they,
            "carer_their": self.carer_their,
            "carer_them": self.carer_them,
            "partner": self.partner,
            "address": self.address,
            "attendance": self.attendance,
        }
        text = template.format(**values)
        return text[0].upper() + text[1:]


CONSENT_DETAIL = {
    "refused": "The parent refused consent. The concern is about possible harm to the child, "
    "so I am sharing it without consent as the safeguarding procedures allow.",
    "not_sought": "Asking the family could put the child at greater risk or lead to evidence "
    "being lost, so I did not seek consent.",
}
