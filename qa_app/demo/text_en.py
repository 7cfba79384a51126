"""English phrase pools shared by every scenario, and the facts (orders, couriers, dates) they mention."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from qa_app.demo.scenarios_en import COURIERS, PRODUCTS, SCENARIOS, SIZES, VOUCHERS

__all__ = ["SCENARIOS", "context"]

BRAND = "BrightCart"

GREETING_CHAT = ["Hi, thanks for reaching out to {brand}! My name is {name}.",
                 "Hello, welcome to {brand} customer care, my name is {name}.",
                 "Hi there, {name} here from {brand}, thanks for reaching out.",
                 "Good {tod}, thank you for contacting {brand}. My name is {name}."]
GREETING_CALL = ["Good {tod}, welcome to {brand} customer care, my name is {name}. How can I help?",
                 "Hello, thank you for contacting {brand}, you're speaking with {name}.",
                 "Good {tod}, {brand} after-sales, my name is {name}. How can I help you today?"]
# Openers without any greeting word: what a rushed agent types or says first.
NO_GREETING_CHAT = ["Ok.", "Let me look.", "One sec.", "Checking."]
NO_GREETING_CALL = ["Customer service.", "Yeah, go ahead.", "After-sales, go ahead."]
BOT_GREETING = ["[Automatic message] Hi! Thanks for contacting {brand}. An agent will be with you shortly.",
                "[Auto-reply] Hello and welcome to {brand} support. Please wait while we connect you."]

EMPATHY_MILD = ["I'm sorry to hear that, let me sort it out for you.",
                "Sorry about that, I understand how annoying it is.",
                "I'm sorry about the trouble with your {product}, I'll fix this for you."]
EMPATHY_STRONG = ["I'm really sorry, that must be frustrating. I'll make sure this gets resolved today.",
                  "I completely understand why you're upset, and I apologise. Let me look into it right now.",
                  "I'm so sorry about this. I can see why you're annoyed, and I'll take care of it personally."]
# Acknowledges the feeling without any of the empathy keywords: the automatic check misses it.
PARAPHRASED_EMPATHY = ["Oh no, I see how annoying that is. Let's get it fixed.",
                       "That's really not the experience you should have had. Let's get it straightened out.",
                       "Ugh, what a hassle for you. Let's get this straightened out."]

ASK_ORDER = ["Could you please give me your order number and the postcode on the order?",
             "So I can check, may I have the order number and the delivery postcode?"]
GIVE_ORDER = ["Sure, it's {order}, postcode {postcode}.", "Order {order}. Postcode {postcode}.",
              "{order}, and the postcode is {postcode}."]
ASK_ORDER_CURT = ["Order number?", "Need the order number."]
GIVE_ORDER_PLAIN = ["{order}", "It's {order}."]
CHECK_ORDER = ["Thank you. I can see order {order}: the {product}, {amount}, delivered on {delivered}.",
               "Thanks, I've found it: order {order} for the {product}, delivered {delivered} to {postcode}."]
CHECK_LOGISTICS = ["Checking with {courier} now: tracking {tracking}, last update on {ordered}.",
                   "I have the {courier} tracking {tracking} open on my screen."]
CONFIRM = ["Just to confirm: {confirm}, is that right?", "So, to make sure I have it right: {confirm}?"]
CUSTOMER_YES = ["Yes, exactly.", "That's right.", "Yes."]
POLICY = ["For reference: returns are free within {window} days of delivery, and refunds go back to your card "
          "within 2 working days of the item reaching us."]

EXTRA_QA = [("Will I get an email confirmation?",
             "Yes, a confirmation email with reference {case} is on its way now.", "Yes."),
            ("Is there a number I can call if it goes wrong?",
             "Just reply to the email with reference {case} and it comes straight to our team.",
             "The number's on the website."),
            ("Will my account show the update?", "Yes, My Orders shows the new status within the hour.",
             "Eventually.")]
PUSHBACK = [("That's not an answer.", "That's the process."),
            ("So what am I supposed to do now?", "Wait for the email."),
            ("Seriously? That's it?", "It's in the system."),
            ("Can you at least check?", "Already did.")]

# Each line holds exactly one forbidden phrase; the customer's reaction follows.
FORBIDDEN = [("Calm down, I'm checking it.", "Don't tell me to calm down."),
             ("That's not my problem, the courier handles deliveries.", "You sold it to me, so it is."),
             ("You should have read the returns policy before ordering.", "I did read it, that's why I'm asking."),
             ("I can't help you with that.", "Then who can?"),
             ("If you leave us a five-star review I can get the refund moving faster.",
              "That doesn't sound right at all."),
             ("Well, it's your fault for choosing the cheapest delivery.", "Excuse me?"),
             ("That's not my job, speak to the warehouse.", "You ARE the warehouse's customer service.")]
# A forbidden phrase used harmlessly, followed straight away by help; a reviewer overrules the check.
FALSE_FORBIDDEN = [("Also, the {courier} app won't let me log in to rebook.",
                    "I can't help you with the {courier} app itself, but I can rebook the delivery for you right now.")]

ANYTHING_ELSE = ["Is there anything else I can help you with today?", "Is there anything else I can do for you?",
                 "Anything else I can help with?"]
CALLBACK = ["I've booked a follow-up call for {eta} to make sure it's all sorted. "
            "Is there anything else I can help you with?"]
FAREWELL = ["Glad I could help. Have a great day!", "Thank you for contacting {brand}, have a nice day!",
            "You're welcome! Have a great day."]
FAREWELL_AFTER_COMPLAINT = ["I've passed your feedback on. Thank you for contacting {brand}.",
                            "Your feedback is noted on the case. Have a nice day."]
FAREWELL_SORRY = ["I'm sorry this wasn't the outcome you wanted; I've passed your feedback on. Have a nice day.",
                  "I apologise for the trouble. Your feedback is on the case. Thank you for contacting {brand}."]
CURT_LAST = ["Ok.", "Noted.", "Done.", "Ok, it's logged."]
LEFT_PROMPT = ["Are you still there?", "I'll close the chat now as there's been no reply."]

HAPPY_END = ["No, that's all. Thank you so much, that's very helpful!",
             "That's everything, thanks a lot, really helpful.",
             "No, that's great, thank you so much for sorting it out!", "Perfect, thank you, that's very helpful."]
NEUTRAL_END = ["OK, I'll wait for the email then.", "Fine, I'll keep an eye on it.", "OK, thanks."]
NEGATIVE_END = ["This is ridiculous, I'm going to leave a bad review.",
                "Terrible service. I'm never ordering from you again.",
                "Useless. I'll be leaving a bad review.", "That's not good enough, I'm very disappointed."]
# Reads as positive to a sentiment engine; a human hears the opposite.
SARCASTIC_END = ["Great, just great. Another week of waiting then.", "Wonderful. Brilliant service as always."]

POSTCODES = ["SW11 4PT", "M14 5RB", "LS6 2QG", "BS7 8DN", "EH10 4HX", "CF24 3AA", "NE2 1XY", "B29 6LN"]
# courier -> (prefix, digits, suffix) of its tracking numbers
TRACKING = {"Royal Mail": ("RM", 9, "GB"), "DPD": ("155", 11, ""), "Evri": ("H00", 13, ""), "DHL": ("JD", 16, ""),
            "UPS": ("1Z", 14, "")}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _day(d: datetime) -> str:
    return f"{d.day} {d:%B}"


def context(rng: random.Random, kinds: tuple[str, ...], started_at: datetime, name: str, recent: bool) -> dict:
    """Every value a template may mention, for one conversation started at `started_at`.

    `recent` orders are a few days old (delivery problems); others are weeks old (returns, refunds).
    """
    kind = rng.choice(kinds)
    product, price = rng.choice(PRODUCTS[kind])
    size, bigger = rng.choice(SIZES)
    courier = rng.choice(COURIERS)
    ordered = started_at - timedelta(days=rng.randint(3, 8) if recent else rng.randint(12, 40))
    delivered = min(ordered + timedelta(days=rng.randint(2, 6)), started_at - timedelta(days=1))
    prefix, digits, suffix = TRACKING[courier]
    amount = price + rng.choice([0, 0.5, 0.99])
    return {
        "name": name, "brand": BRAND, "tod": _time_of_day(started_at), "product": product, "size": size,
        "bigger": bigger, "courier": courier, "tracking": prefix + _digits(rng, digits) + suffix,
        "ordered": _day(ordered),
        "delivered": _day(delivered), "eta": _day(started_at + timedelta(days=rng.randint(2, 5))),
        "order": f"{ordered:%Y%m%d}-{rng.randint(10000, 99999)}", "postcode": rng.choice(POSTCODES),
        "amount": f"£{amount:.2f}", "partial": f"£{amount * rng.choice([0.5, 0.6, 0.75]):.2f}",
        "case": f"CS-{rng.randint(100000, 999999)}", "window": 30, "voucher": rng.choice(VOUCHERS),
    }


def _time_of_day(moment: datetime) -> str:
    return "morning" if moment.hour < 12 else "afternoon" if moment.hour < 18 else "evening"
