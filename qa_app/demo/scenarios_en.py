"""English after-sales scenarios: what customers say and how agents answer, well or badly, per queue."""
from __future__ import annotations

# Only the EMPATHY pools of text_en may contain empathy words, only its closing pools closing words:
# the demo's quality mix is measured with that vocabulary, so stray words here would blur it.
SCENARIOS = {
    "returns": {
        "size": {
            "kinds": ("apparel",),
            "open": ["Hello, I ordered the {product} in size {size} but it's far too small. Can I swap it?",
                     "I need to return the {product} from order {order}, the size is wrong.",
                     "The {product} I got doesn't fit at all, I'd like to exchange it for a size {bigger}."],
            "open_upset": ["Really disappointed, the {product} in size {size} is nowhere near that size. "
                           "Order {order}.",
                           "The {product} is the wrong size AGAIN. This is ridiculous, I followed your size chart."],
            "detail": ["It came on {delivered}. I've only tried it on, the tags are still attached.",
                       "Delivered {delivered}, still in the bag with the tags on."],
            "confirm": "the {product} in size {size} doesn't fit and you'd like a size {bigger}",
            "resolve": ["I've set up an exchange for a size {bigger}. A prepaid return label is on its way to your "
                        "email; once the courier scans the parcel we send the new size out the same day.",
                        "You're well within the {window}-day return window, so I've booked a free exchange to a "
                        "size {bigger}. Print the label from your email and drop the parcel at any {courier} point."],
            "curt": ["Just use the returns portal.", "Send it back and reorder the other size."],
            "followups": [("Do I need the original packaging?",
                           "No, any sturdy bag is fine as long as the tags are still on.",
                           "Tags on. Packaging doesn't matter."),
                          ("What if size {bigger} is out of stock?",
                           "I've reserved one for you, and if anything changes you get a full refund automatically.",
                           "Then you get a refund.")],
        },
        "damaged": {
            "kinds": ("goods",),
            "open": ["The {product} from order {order} arrived with a crack in it. What should I do?",
                     "My {product} came damaged, the box was crushed on one side."],
            "open_upset": ["Terrible. The {product} arrived broken and I needed it this weekend.",
                           "I'm really upset, the {product} from order {order} is damaged straight out of the box."],
            "detail": ["It was delivered on {delivered}. I have photos of the box and the {product}.",
                       "It arrived {delivered}, the outer box was already torn."],
            "confirm": "the {product} arrived damaged on {delivered}",
            "resolve": ["Please upload the photos using the link I've just emailed. I've already arranged a "
                        "replacement, it ships today, and {courier} will collect the damaged one at no cost to you.",
                        "No need to send it back first: a replacement {product} leaves our warehouse today and a "
                        "free {courier} collection is booked for the damaged one."],
            "curt": ["Send photos to the returns email.", "Fill in the damage form on the website."],
            "followups": [("Can I get a refund instead of a replacement?",
                           "Of course. I'll switch it to a full refund of {amount}, back on your card within "
                           "3-5 working days.",
                           "Refund is possible, use the form."),
                          ("Do I have to be home for the collection?",
                           "Yes, {courier} will text you a one-hour slot the evening before; you can change it "
                           "from that text.",
                           "Yes.")],
        },
        "label": {
            "kinds": ("apparel", "goods"),
            "open": ["How do I return the {product}? There was no return label in the parcel.",
                     "I started a return for order {order} but the label never came through."],
            "open_upset": ["I've asked twice for a return label for the {product} and still nothing. Frustrated.",
                           "Still no return label for order {order}, this is unacceptable."],
            "detail": ["I requested it on {ordered} through the website.", "I opened the return on {delivered}."],
            "confirm": "you haven't received the return label for the {product}",
            "resolve": ["I've just resent the label to your email; it's a free {courier} label, valid for 14 days. "
                        "You can also show the QR code at the drop-off point instead of printing it.",
                        "A new prepaid label has been generated and emailed. Drop the parcel at any {courier} shop "
                        "and keep the receipt until your refund arrives."],
            "curt": ["Labels come by email. Check spam.", "Go to My Orders and click return."],
            "followups": [("How long until I get the refund once it's sent?",
                           "We refund within 2 working days of receiving it; your bank may take 3-5 more days.",
                           "A few days after we get it."),
                          ("Can I return it to a shop instead?",
                           "Yes, any of our stores accepts online returns with the order number.",
                           "Probably.")],
        },
        "window": {
            "kinds": ("apparel", "goods"),
            "open": ["I'd like to return the {product} I bought on {ordered}. Is that still possible?",
                     "Can I still send back the {product} from order {order}? I've had it a while."],
            "open_upset": ["Your site says returns are closed for the {product}. That's unacceptable, I barely "
                           "used it.",
                           "Why can't I return the {product}? I'm very disappointed with this policy."],
            "detail": ["It was delivered on {delivered}, so a bit over a month ago.",
                       "I got it on {delivered}, I was away travelling most of the time."],
            "confirm": "you'd like to return the {product} delivered on {delivered}, just outside the "
                       "{window}-day window",
            "resolve": ["Our window is {window} days from delivery and you're a few days over, but as a one-off I've "
                        "approved the return. The free label is in your inbox.",
                        "It's just past the {window}-day window, so I've raised a goodwill exception: you can "
                        "return it for a full refund of {amount} within the next 7 days."],
            "curt": ["Returns are {window} days. It's past that.", "The window closed, nothing to do."],
            "followups": [("Is the goodwill return also free?",
                           "Yes, same as a normal return: free label and full refund once it's checked.",
                           "Postage is on you."),
                          ("Could I exchange it for store credit instead?",
                           "Yes, store credit is issued the same day we receive it, and it never expires.",
                           "Ask the store.")],
        },
    },
    "refunds": {
        "missing": {
            "kinds": ("apparel", "goods"),
            "open": ["I returned the {product} two weeks ago and haven't had my refund yet.",
                     "Where is my refund for order {order}? The return was delivered to you."],
            "open_upset": ["Still no refund for the {product}. This is ridiculous, I sent it back weeks ago.",
                           "I'm angry, I returned order {order} and the refund still hasn't arrived."],
            "detail": ["Tracking shows it reached your warehouse on {delivered}.",
                       "{courier} says it was delivered back to you on {delivered}, tracking {tracking}."],
            "confirm": "your return reached us on {delivered} but the refund of {amount} hasn't arrived",
            "resolve": ["The return was checked in yesterday and I've just released the refund of {amount}. It goes "
                        "back to the original card; banks usually show it within 3-5 working days.",
                        "The refund was stuck waiting for a warehouse check. I've pushed it through manually: "
                        "{amount}, reference {case}, on your card within 5 working days."],
            "curt": ["Refunds take up to 14 days.", "It's processing. Wait."],
            "followups": [("Will I get an email when it's sent?",
                           "Yes, you'll get a confirmation with reference {case} in the next hour.",
                           "Maybe."),
                          ("Can you refund it to PayPal instead?",
                           "Refunds go back to the original payment method, so the card; that keeps it the fastest.",
                           "No.")],
        },
        "partial": {
            "kinds": ("apparel", "goods"),
            "open": ["I only got {partial} back for the {product}, but I paid {amount}.",
                     "My refund for order {order} was partial. Why?"],
            "open_upset": ["You refunded {partial} instead of {amount}. Unacceptable, I want the full amount.",
                           "I'm disappointed, the refund for the {product} is short by a lot."],
            "detail": ["It says 'partial refund' on the email from {delivered}.",
                       "The email just says {partial} refunded, no reason given."],
            "confirm": "you paid {amount} for the {product} but only {partial} was refunded",
            "resolve": ["The warehouse deducted for a missing accessory, but the photos show it in the box, so I've "
                        "refunded the difference. You'll see it within 3-5 working days.",
                        "The original delivery charge was held back by mistake; I've refunded the rest of the "
                        "{amount} now, reference {case}."],
            "curt": ["Delivery fees aren't refunded.", "Warehouse decided that."],
            "followups": [("So I'll have the full {amount} back in total?",
                           "Yes, the two payments add up to the full {amount}.",
                           "Whatever the system says."),
                          ("Why wasn't I told about the deduction?",
                           "You should have had a note explaining it; I've flagged that so it gets fixed for everyone.",
                           "It's in the terms.")],
        },
        "timeline": {
            "kinds": ("apparel", "goods"),
            "open": ["How long does a refund usually take? I sent back the {product} on {delivered}.",
                     "Just checking when to expect the refund for order {order}."],
            "open_upset": ["How long do refunds take? I'm frustrated, nobody gives me a straight answer.",
                           "It's been ages since I returned the {product}. Worst refund process ever."],
            "detail": ["I dropped it at {courier} on {delivered}, tracking {tracking}.",
                       "The return went with {courier}, tracking {tracking}."],
            "confirm": "you sent the {product} back with {courier} on {delivered}",
            "resolve": ["The parcel is due at our warehouse tomorrow. We refund within 2 working days of arrival, "
                        "then your bank takes 3-5 working days, so expect it by {eta} at the latest.",
                        "It's in transit to us. Refunds are issued within 48 hours of arrival, so you should see "
                        "{amount} by {eta}."],
            "curt": ["Usually 14 days.", "When it gets here, you get the money."],
            "followups": [("Will you let me know when it arrives?",
                           "Yes, you get an email when it's checked in and another when the refund is sent.",
                           "Track it yourself."),
                          ("What if it gets lost on the way back?",
                           "The label is tracked and insured by us, so you'd still get your refund.",
                           "Then contact {courier}.")],
        },
    },
    "logistics": {
        "stuck": {
            "kinds": ("apparel", "goods"),
            "open": ["My parcel hasn't moved since {ordered}. Tracking {tracking}.",
                     "Order {order} has been 'in transit' for a week. Is something wrong?"],
            "open_upset": ["My order still hasn't arrived, it's been stuck at the depot for days. Really frustrated.",
                           "Order {order} still hasn't arrived and the tracking hasn't changed. This is terrible."],
            "detail": ["It's the {product}, sent with {courier}.",
                       "Last scan says 'at local depot' on {ordered}. It's the {product}."],
            "confirm": "the {product} has been stuck at the {courier} depot since {ordered}",
            "resolve": ["I've opened an investigation with {courier}, case {case}. If it hasn't moved in 48 hours "
                        "we'll send a replacement by express at no cost.",
                        "{courier} confirmed the parcel was missorted; it's back on a van and due {eta}. "
                        "I've also refunded your delivery charge."],
            "curt": ["It's with {courier}, we can't do anything.", "Give it a few more days."],
            "followups": [("What if it doesn't come by {eta}?",
                           "Then the replacement goes out automatically; you won't need to contact us again.",
                           "Contact us again."),
                          ("Can I pick it up from the depot?",
                           "Yes, I've asked {courier} to hold it for collection; bring ID and the tracking number.",
                           "Ask {courier}.")],
        },
        "tracking": {
            "kinds": ("apparel", "goods"),
            "open": ["The tracking number for order {order} doesn't work on the {courier} site.",
                     "I never got a tracking number for the {product}."],
            "open_upset": ["Why is there no tracking for my {product}? I'm upset, I have no idea where it is.",
                           "Your tracking link is broken and my order still hasn't arrived. Unacceptable."],
            "detail": ["It was ordered on {ordered}, express delivery.", "I paid for next-day delivery on {ordered}."],
            "confirm": "you can't track the {product} ordered on {ordered}",
            "resolve": ["The correct tracking number is {tracking}; the email had an old one. It's out for delivery "
                        "with {courier} and due {eta}.",
                        "It was handed to {courier} under {tracking}. I've resent the tracking email and refunded the "
                        "express fee since it missed the next-day promise."],
            "curt": ["Tracking is {tracking}.", "Try the link again later."],
            "followups": [("Will I get a delivery slot?",
                           "Yes, {courier} sends a one-hour window by text on the morning of delivery.",
                           "{courier} decides."),
                          ("Can it be left with a neighbour?",
                           "I've added a safe-place note to leave it with a neighbour if you're out.",
                           "Ask the driver.")],
        },
        "courier": {
            "kinds": ("apparel", "goods"),
            "open": ["Tracking says my parcel was delivered but I don't have it. Order {order}.",
                     "{courier} marked the {product} as delivered, but nothing's here."],
            "open_upset": ["The courier says delivered but it's not here. Ridiculous, I was home all day.",
                           "I'm angry, {courier} claims they delivered the {product} and they didn't."],
            "detail": ["It says delivered on {delivered} at 14:05, tracking {tracking}.",
                       "Delivered {delivered} according to {courier}, but no photo and no card."],
            "confirm": "{courier} marked the {product} as delivered on {delivered} but you never received it",
            "resolve": ["I've raised a missing-parcel claim with {courier}, case {case}. The GPS shows the driver "
                        "stopped two streets away, so I'm sending a replacement today.",
                        "I've opened case {case} with {courier}. We don't make you wait for their answer: your "
                        "replacement ships today and arrives by {eta}."],
            "curt": ["Check with neighbours first.", "{courier} says delivered, so it's delivered."],
            "followups": [("Do I need to sign anything?",
                           "No, the claim is on our side; I've noted you were home at the time.",
                           "Fill in the form."),
                          ("What if the original turns up?",
                           "Then just keep it or refuse it, whichever is easier; no charge either way.",
                           "Send it back.")],
        },
    },
    "complaints": {
        "rude_courier": {
            "kinds": ("apparel", "goods"),
            "open": ["I want to complain about the {courier} driver who delivered order {order}.",
                     "The driver who brought my {product} was extremely rude."],
            "open_upset": ["I want to make a complaint: the {courier} driver threw my {product} over the gate. Angry!",
                           "Worst delivery ever. The driver swore at me and left the {product} in the rain."],
            "detail": ["It was on {delivered}, around 6pm.", "{delivered}, tracking {tracking}. My neighbour saw it."],
            "confirm": "the {courier} driver behaved badly when delivering the {product} on {delivered}",
            "resolve": ["I've filed a formal complaint with {courier}, reference {case}, and asked for a different "
                        "driver on your route. I've also added a {voucher} voucher to your account.",
                        "That's not the service we want for you. Complaint {case} is logged with {courier}'s "
                        "depot manager, and a {voucher} goodwill credit is on your account."],
            "curt": ["Complain to {courier}.", "Drivers aren't our staff."],
            "followups": [("Will anyone get back to me about it?",
                           "Yes, I'll email you {courier}'s reply as soon as I have it, within 5 working days.",
                           "Probably not."),
                          ("Is the {product} covered if it was damaged by the driver?",
                           "Yes, if you spot any damage just reply to my email and we replace it.",
                           "Check it first.")],
        },
        "wrong_twice": {
            "kinds": ("apparel", "goods"),
            "open": ["I've received the wrong item twice now for order {order}.",
                     "For the second time you've sent me something other than the {product}."],
            "open_upset": ["Wrong item AGAIN. That's twice. I'm so disappointed, I just want my {product}.",
                           "This is ridiculous: second wrong item for order {order}. Unacceptable."],
            "detail": ["Both times I got a different colour, not the {product} I ordered.",
                       "The first came {ordered}, the replacement on {delivered}, both wrong."],
            "confirm": "you've been sent the wrong item twice instead of the {product}",
            "resolve": ["I've asked the warehouse supervisor to pick and photograph the {product} personally before "
                        "it goes out by express today. Both wrong items will be collected free.",
                        "The shelf label was wrong, which explains both mistakes; it's been fixed. The right "
                        "{product} goes out by express today and I've refunded your delivery fees."],
            "curt": ["Return it and we'll send another.", "Mistakes happen."],
            "followups": [("How do I know the third one will be right?",
                           "I'll email you the photo of your actual parcel before it's sealed.",
                           "It should be."),
                          ("What do I do with the two wrong ones?",
                           "{courier} collects both on {eta}; just have them by the door in any bag.",
                           "Post them back.")],
        },
        "manager": {
            "kinds": ("apparel", "goods"),
            "open": ["I'd like to speak to a manager about order {order}, please.",
                     "Can you put me through to a supervisor? It's about my {product}."],
            "open_upset": ["I demand to speak to a manager. This is my third complaint about the {product}!",
                           "Get me your manager. Worst customer service I've had, order {order}."],
            "detail": ["I've been promised a call back twice about the {product} and nobody called.",
                       "I've explained this three times already, since {ordered}."],
            "confirm": "you were promised two call-backs about the {product} that never happened",
            "resolve": ["I've escalated it to our team leader with full notes, reference {case}. She'll call you "
                        "today before 5pm, and I've refunded the {product} in full meanwhile.",
                        "I've booked a call from our duty manager for tomorrow morning, case {case}. So you don't "
                        "have to repeat yourself, everything we discussed is in the notes."],
            "curt": ["Managers don't deal with these.", "I'll pass it on."],
            "followups": [("Can I be sure this time someone calls?",
                           "Yes, the call is booked in the manager's calendar and I'll check tomorrow that it "
                           "happened.",
                           "Someone will call."),
                          ("Will my refund still go ahead?",
                           "Yes, it's already sent: {amount}, reference {case}.",
                           "The manager decides.")],
        },
    },
}

PRODUCTS = {
    "apparel": [("navy wool coat", 89), ("pair of running shoes", 64), ("linen shirt", 35),
                ("kids' rain jacket", 28), ("denim jacket", 45), ("merino jumper", 55)],
    "goods": [("Bluetooth speaker", 79), ("ceramic dinner set", 48), ("air fryer", 99), ("desk lamp", 32),
              ("yoga mat", 25), ("coffee grinder", 59), ("duvet cover set", 42)],
}
SIZES = [("S", "M"), ("M", "L"), ("L", "XL"), ("8", "10"), ("10", "12"), ("UK 7", "UK 8")]
COURIERS = ["Royal Mail", "DPD", "Evri", "DHL", "UPS"]
VOUCHERS = ["£10", "£15", "£20"]
