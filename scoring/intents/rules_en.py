"""English intent rules over normalised text (lower case, no punctuation, apostrophes dropped:
"I'm" reads "im", "you'll" reads "youll"). Each rule is (confidence, pattern); `<slot>` stands for
a group of synonyms below, so one rule covers word-order and wording variants without listing
sentences. Patterns match on whole words; confidences below 0.5 are hints that count only where a
criterion lowers `min_confidence`."""
from __future__ import annotations

SLOTS = {
    "you": r"(?:you|u|ya|yourself)",
    "your": r"(?:your|ur|yer)",
    "youre": r"(?:youre|you are|ur|u r|u are|yer)",
    "youll": r"(?:youll|you will|u will|ull|you are going to|youre going to|ur going to)",
    "itll": r"(?:itll|it will|it ll|they will|theyll|that will|thatll|this will|it is going to|its going to"
            r"|itd|it would|the refund will|the parcel will|the order will|your (?:refund|parcel|order|package)"
            r" (?:will|is going to))",
    "ill": r"(?:ill|i will|i ll|well|we will|we ll|i shall|im going to|i am going to|were going to"
           r"|we are going to|let me|i can|we can|i could|we could|i would like to|id like to|i want to"
           r"|shall i|can i|should i|would you like me to|do you want me to|i have|ive|we have|weve|im|i am)",
    "its": r"(?:its|it is|thats|that is|this is|that was|it was|this was|which is|this s|that s|it s)",
    "adv": r"(?:(?:really|so|very|truly|terribly|extremely|incredibly|completely|totally|genuinely|deeply"
           r"|just|awfully|super|quite|all|entirely) )?",
    "upset": r"(?:frustrating|annoying|upsetting|stressful|worrying|disappointing|inconvenient|awful|terrible"
             r"|horrible|difficult|hard|a pain|a hassle|unacceptable|infuriating|maddening|exhausting|scary"
             r"|concerning|confusing|not ok|not okay|not good enough|rubbish|a nightmare|irritating|aggravating)",
    "fault": r"(?:fault|problem|mistake|responsibility|issue|doing|bad|lookout|look out|own fault|error|screw up|mess)",
    "courier": r"(?:courier|couriers|carrier|driver|delivery (?:company|firm|guy|man|driver|service)|post office"
               r"|postman|postal service|warehouse|manufacturer|factory|brand|seller|supplier|bank|card issuer"
               r"|payment provider|shipping company|logistics company|ups|fedex|dhl|usps|royal mail|dpd|evri"
               r"|hermes|them|someone else|another department|the other team)",
    "staff": r"(?:supervisor|manager|team lead|team leader|line manager|senior (?:agent|advisor|adviser|colleague"
             r"|member of staff|specialist|person)|specialist|escalations? team|complaints? team|customer relations"
             r"(?: team)?|duty manager|store manager|boss|superior|someone (?:more )?senior|someone above me"
             r"|a senior|higher up|higher ups|management|my lead)s?",
    "outcome": r"(?:refund|refunded|money back|arrive|arrives|get there|be there|be with you|be delivered"
               r"|delivered|reach you|get it|receive it|receive|have it|replacement|be resolved|resolved|be fixed"
               r"|fixed|be sorted|sorted|approved|be approved|compensated|compensation|full refund|reimbursed"
               r"|back in your account|in your account|credited|go through|work)",
    "sure": r"(?:definitely|certainly|absolutely|surely|for sure|for certain|without fail|guaranteed"
            r"|100 percent|100 per cent|one hundred percent|a hundred percent|hundred percent|no doubt)",
    "good": r"(?:good|positive|great|nice|glowing|5 star|five star|5 stars|five stars|top|full|high|perfect"
            r"|excellent|favourable|favorable|amazing|lovely)",
    "review": r"(?:review|reviews|rating|ratings|feedback|comment|stars|star|score|marks|survey)",
    "reward": r"(?:refund|refunds|refunded|cash ?back|money back|voucher|discount|coupon|reward|credit|gift"
              r"|gift card|freebie|free|compensation|bonus|pay you|reimburse|rebate|partial refund|cash|money"
              r"|points|extra|knock \w+ (?:percent |pounds |dollars )?off|percent off|off your next)",
    "day": r"(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this week"
           r"|next week|the weekend|by \w+)",
    "insult": r"(?:idiot|idiots|moron|morons|fool|clown|dummy|imbecile|muppet|loser|dimwit|halfwit|dumbass"
              r"|numpty|cretin|retard|donkey|joke|pathetic)",
}

RULES: dict[str, list[tuple[float, str]]] = {
    "greeting": [
        (0.95, r"^(?:hi|hello|hey|hiya|heya|hallo|howdy|greetings|good (?:morning|afternoon|evening|day)"
               r"|morning|afternoon|evening|yo|hii+|helo|hullo|ahoy|welcome|dear (?:customer|sir|madam))"),
        (0.9, r"(?:hi|hello|hey|hiya|heya|howdy|good (?:morning|afternoon|evening))(?: there| again| and welcome)?"),
        (0.9, r"thank(?:s| you|s so much| you so much)? for (?:calling|contacting|reaching out|getting in touch"
              r"|your call|your message|messaging|chatting|writing in|writing|choosing"
              r"|ringing|dialling|dialing|getting back)"),
        (0.55, r"thank(?:s| you|s so much| you so much)? for (?:waiting|holding|your patience|bearing with)"),
        (0.85, r"welcome (?:to|back)"),
        (0.8, r"(?:nice|lovely|great|good|glad|pleased) to (?:meet|hear from|speak with|speak to|talk to"
              r"|chat with) <you>"),
        (0.75, r"(?:my name is|my names|you(?:re| are) (?:speaking|chatting|talking) (?:to|with)|this is \w+"
               r" (?:from|at|with|speaking|here)|\w+ here from)"),
        (0.45, r"how (?:can|may|could) i (?:help|assist) <you>(?: today)?"),
        (0.4, r"how are <you>(?: doing)?(?: today)?"),
    ],
    "empathy": [
        (0.9, r"(?:im|i am|we are|were|i m)? ?<adv>sorry (?:to hear|to see|to learn|about|for|that|you|this|the"
              r"|it|again|once again|for the|for all)"),
        (0.7, r"(?:so|really|very|terribly|truly|awfully) sorry"),
        (0.6, r"sorry"),
        (0.85, r"(?:apologi[sz]e|apologies|my apologies|our apologies|apology)"),
        (0.85, r"(?:i|we) <adv>(?:understand|can imagine|can only imagine|hear you|appreciate|realise|realize"
               r"|recognise|recognize) (?:how|why|that|your|the|this|what|you|it)"),
        (0.85, r"(?:i|we) <adv>(?:can )?(?:see|get|know) (?:how|why) (?:\w+ ){0,3}(?:frustrat\w*|annoy\w*|upset\w*"
               r"|stress\w*|worr\w*|disappoint\w*|important|hard|difficult|inconvenient|concern\w*|angry|unhappy"
               r"|fed up|awful|confus\w*)"),
        (0.8, r"(?:i|we) <adv>get (?:it|that|why)|(?:that|it|this) would (?:annoy|upset|frustrate|bother|worry|"
              r"anger) me too|(?:id|i would|anyone would|anybody would) be (?:upset|annoyed|frustrated|angry"
              r"|worried|fed up|livid|disappointed|cross) too"),
        (0.8, r"(?:sounds|seems|looks) like (?:a |such a |an )?(?:nightmare|pain|hassle|real pain|awful|horrible"
              r"|terrible|frustrating|stressful)"),
        (0.6, r"^(?:oh no|oh dear|oh gosh|ugh)"),
        (0.8, r"(?:i|we) <adv>(?:understand|get it|hear you|feel for you|sympathi[sz]e|empathi[sz]e)"),
        (0.85, r"(?:that|this|it|which) (?:must|would|has to|can|does|will|might) (?:be|have been|sound|feel|get)"
               r" <adv><upset>"),
        (0.8, r"(?:sounds|seems|looks|feels) <adv><upset>"),
        (0.8, r"<its> <adv>(?:understandable|totally fair|fair enough|not what you (?:expected|wanted|paid for))"),
        (0.75, r"<its> <adv><upset>"),
        (0.8, r"(?:what a|such a) (?:pain|hassle|nightmare|shame|letdown|let down)"),
        (0.8, r"(?:i|we) (?:dont|do not|wouldnt|would not|cant|cannot) blame you"),
        (0.75, r"(?:you have|youve got|you have got) every right|(?:rightly|understandably) (?:upset|annoyed"
               r"|frustrated|angry|worried|concerned)"),
        (0.8, r"(?:for|about) (?:the|any|this|all the|all this) (?:inconvenience|trouble|hassle|frustration"
              r"|confusion|delay|wait|stress|worry)"),
        (0.8, r"(?:i|we) (?:feel|share) your (?:frustration|pain|concern|disappointment)"),
        (0.6, r"(?:dont|do not|no need to|please dont|try not to) worry"),
        (0.55, r"(?:thank you|thanks) for (?:your|being so) (?:patience|understanding|patient)"),
        (0.7, r"(?:i|we) know how (?:frustrating|annoying|stressful|worrying|important|upsetting|hard|difficult)"),
        (0.7, r"(?:that|this) (?:shouldnt|should not) (?:have happened|happen)"),
        (0.55, r"(?:i|we) will (?:make this right|put this right|sort this out for you)|let me (?:make this right"
               r"|put this right)|(?:youre|you are) in good hands"),
    ],
    "blame": [
        (0.9, r"<its> (?:all |entirely |totally |completely )?(?:on )?<your> (?:own )?<fault>"),
        (0.9, r"<your> (?:own )?fault|<your> (?:own )?(?:mistake|error|doing)(?: not (?:ours|mine|us))?$"),
        (0.85, r"<its> (?:on you|down to you|your own doing|user error|customer error|because of you|thanks to you)"),
        (0.85, r"<you> (?:should|shouldve|should have|ought to|oughta|needed to|were supposed to|had to)"
               r" (?:have )?(?:read|checked|check|known|know|looked|look|paid attention|pay attention|followed|follow"
               r"|measured|measure|noticed|double checked|been more careful|been careful|listened|thought|asked before"
               r"|bothered)"),
        (0.8, r"(?:if|had) (?:youd|you had|<you>) (?:had )?(?:read|checked|listened|followed|looked|paid attention"
              r"|bothered|measured)(?: properly| carefully| the)?"),
        (0.8, r"<you> (?:must have|mustve|must of|clearly|obviously|probably) (?:dropped|broken|damaged|misused|sat on"
              r"|washed|mishandled|broke|ruined|forced|overloaded)"),
        (0.8, r"<you> (?:never|didnt|did not) (?:even )?(?:bother|bothered) to"),
        (0.8, r"<you> (?:didnt|did not|never|failed to|forgot to|couldnt be bothered to|didnt bother to)"
              r" (?:read|check|follow|listen|pay attention|look at|measure|bother)"),
        (0.75, r"<you> (?:clearly |obviously )?(?:broke|damaged|ruined|messed up|screwed up|misused"
               r"|mishandled) (?:it|the|your|this)"),
        (0.7, r"<you> (?:entered|typed|put|gave|selected|chose|picked|ordered|used|wrote|filled in) (?:in )?"
              r"(?:the |a |an |it )?wrong"),
        (0.8, r"(?:only|just) (?:have|got) (?:yourself|urself) to blame|blame (?:yourself|urself)"),
        # "that one's on you", "this part is down to you", "the mistake was yours": blame in other words.
        (0.8, r"(?:that|this|it) (?:one|bit|part|part of it|side of it|one there)s? (?:is |was )?(?:on|down to)"
              r" (?:you|u|yourself)\b|(?:the )?(?:mistake|error|fault|blame) (?:is|was|s) (?:all |entirely )?(?:yours"
              r"|on you)\b"),
        (0.75, r"(?:because|cause|cos|coz) <you> (?:didnt|did not|never|failed|forgot|couldnt|were too)"),
        (0.7, r"<youre> (?:the one|the reason|responsible|to blame|at fault)"),
        (0.85, r"(?:the )?(?:problem|issue|mistake|error|fault) (?:is|was|lies|is all) (?:on|at|with) (?:your"
               r"|ur) (?:end|side)"
               r"|<its> (?:on|at) (?:your|ur) (?:end|side)|<you> (?:caused|created|did) (?:this|that|it)(?: yourself)?"
               r"|<you> (?:messed|screwed|mucked|cocked) (?:it |this |that )?up"),
        (0.8, r"(?:thats|that is) what happens when (?:you|u)|maybe next time (?:youll|you will|you ll) (?:read"
              r"|check|listen"
              r"|look|pay attention)|<its> because of (?:you|u)|<you> (?:obviously|clearly) (?:didnt|did not|cant"
              r"|can not"
              r"|never)"),
    ],
    "abuse": [
        (0.95, r"(?:fuck|f off|piss|screw|sod|bugger) (?:off|you|u|yourself)|(?:shut up|shut it|shut your"
               r" (?:mouth|face|trap)|stfu|get lost|go away|go to hell|drop dead|get a life|get a grip)"),
        (0.95, r"(?:you|u|ya)(?: stupid| silly| dumb| useless| absolute| complete| total| bloody| fucking)* <insult>"),
        (0.9, r"(?:are|r) (?:you|u) (?:stupid|dumb|deaf|blind|thick|slow|an idiot|a moron|mad|crazy|insane|kidding me"
              r"|for real|illiterate|serious)"),
        (0.9, r"(?:stupid|dumb|idiot|annoying|useless|pathetic|ignorant|clueless) (?:customer|customers|person|people"
              r"|woman|man|question|questions)"),
        (0.85, r"can (?:you|u) not (?:read|see|hear|understand|listen)|<youre> (?:a |an |such a |so |just a "
               r"|a total |a complete )"
               r"?(?:joke|idiot|moron|clown|fool|pathetic|useless|stupid|dumb|thick|waste of)"
               r"|(?:learn (?:how )?to read|(?:cant|can not|cannot) (?:you|u) read|do (?:you|u) even (?:read|listen"
               r"|understand)|use your (?:brain|head|eyes)|whats wrong with you|what is wrong with you)"),
        (0.85, r"(?:asshole|arsehole|bitch|bastard|dickhead|prick|wanker|twat|cunt|jerk)"),
        (0.75, r"(?:stop (?:whining|whinging|moaning|crying|complaining)|quit (?:whining|moaning|complaining))"),
    ],
    "profanity": [
        # Not a bare "hell": normalisation drops apostrophes, so "he'll call you" reads "hell call you".
        (0.9, r"(?:fuck|fucking|fucked|fucks|shit|shitty|bullshit|crap|crappy|damn|damned|goddamn|bloody hell"
              r"|(?:the|to|from|a|bloody) hell|hell no|wtf|ffs|bollocks|piss|pissed|arse|ass|asshole|bitch|bastard"
              r"|dickhead|bugger|sod it|bloody)"),
    ],
    "sarcasm": [
        (0.8, r"(?:well done|nice going|nice one|good job|great job|bravo|genius|smart move|clever|way to go"
              r"|congrat(?:ulation)?s)(?! on (?:your|the) (?:new|purchase|order|wedding|baby))"
              r"(?: (?:there|you|genius|mate|buddy|champ|einstein|sherlock|on that|on not))?$"),
        (0.8, r"(?:oh )?(?:brilliant|great|wonderful|fantastic|perfect|lovely|marvellous|super) (?:another|yet another"
              r"|so you|you didnt|you did not|you broke|someone who)|congrat\w* (?:you|u) (?:found|managed|figured"
              r"|worked out|finally|actually)"),
        (0.85, r"(?:what a (?:shocker|surprise)|big surprise|who would have (?:thought|guessed)|who knew"
               r"|shocking i know|color me surprised|colour me surprised)"),
        (0.75, r"(?:yeah|oh|ya) (?:right|sure)(?! away)|sure (?:you|u) (?:did|do|have|are|were|will)"),
        (0.85, r"(?:its|it is|this is|that is|thats) not (?:rocket science|brain surgery|that (?:hard|difficult|"
               r"complicated)|hard)"),
        (0.85, r"even a (?:child|kid|baby|toddler|monkey|five year old|5 year old) (?:could|can|would)"),
        (0.8, r"(?:maybe|perhaps|try) (?:read|reading|check|checking|look|looking)(?: at)? (?:it|the \w+|"
              r"the description|the page|the instructions) (?:next time|first|this time)|next time (?:try|maybe)"
              r" (?:reading|to read|checking|looking)"),
        (0.8, r"(?:thanks|thank you) for (?:nothing|finally|gracing us)|took (?:you|u) long enough"),
        (0.8, r"(?:im|i am) (?:so |shocked |)(?:shocked|amazed|stunned) (?:you|u|that you)"),
        (0.8, r"(?:good|nice|best of) luck with that|(?:arent|are not) (?:you|u) (?:clever|smart|special|a genius)"),
        (0.75, r"bless (?:your|ur) (?:heart|little heart|soul)|let me (?:spell|explain) (?:it|this) (?:out )?"
               r"(?:for|to) (?:you|u)(?: slowly| again)?|(?:very )?slowly (?:for|so) (?:you|u)"),
        (0.7, r"(?:was|is) (?:that|it) (?:so|really|that) (?:hard|difficult)|how hard (?:can it be|is it)"),
        (0.75, r"(?:wow|oh wow) just wow|(?:clearly|obviously) (?:you|u) know (?:better|best)|good for (?:you|u)$"
               r"|thanks for the (?:lecture|lesson)|(?:you|u) must be (?:a genius|so clever|an expert)"),
        (0.55, r"(?:as|like) i (?:already |just )?(?:said|told you|explained)(?: (?:three|3|two|2|ten|10|five|5|"
               r"many|several|a hundred) times)"),
    ],
    "dismissal": [
        (0.9, r"<its> not (?:our|my|the stores|the shops|the companys) (?:problem|concern|job|issue|responsibility"
              r"|department|business|fault|headache|look out|lookout)"),
        (0.9, r"(?:not|nothing) (?:to do with|on|down to) (?:us|me|our side|our end)|(?:not|isnt|wasnt) (?:our|my)"
              r" (?:problem|department|job|responsibility|concern)"),
        (0.85, r"(?:take it up|sort it out|deal with it|sort that out|argue|talk|speak) with (?:the |your )?<courier>"
               r"(?: yourself| directly| not us| instead)"),
        (0.8, r"(?:ask|contact|call|ring|email|chase|try|complain to|go to|go and ask|talk to) (?:the |your )?<courier>"
              r"(?: yourself| instead| not us| about it yourself)"),
        (0.75, r"<courier> (?:\w+ ){0,3}(?:we|i) (?:cant|cannot|can not|dont|do not|wont|will not) (?:help|do anything"
               r"|deal)|(?:problem|issue|fault|job|responsibility) not (?:ours|mine|us)$|<its> <your> problem"),
        (0.7, r"<its> (?:a |the )?<courier>s? (?:problem|issue|fault|responsibility|job|matter)|<its> their"
              r" (?:warranty|problem|responsibility|job|fault|issue)|(?:we are|were|im|i am) not (?:responsible"
              r"|liable|accountable)"),
        (0.55, r"(?:you (?:need|have|ll have|will have|must|gotta|should) to?|youll have to|just|go) (?:ask|contact"
               r"|call|ring|email|chase|complain to|go to|take it up with) (?:the )?<courier>"),
        (0.8, r"<its> between (?:you and|yourself and) (?:the )?<courier>|<its> (?:up to|for) (?:the )?<courier>"
              r" to (?:sort|deal|fix|handle)"),
        (0.65, r"(?:there is|theres|there s) (?:nothing|not much|not a lot|nothing more|nothing else) (?:i|we)"
               r" (?:can|could|are able to) (?:do|help)"),
        (0.6, r"(?:i|we) (?:cant|cannot|can not|wont|will not|dont|do not) (?:do anything|help you with that|"
              r"deal with (?:that|this)|handle that|be responsible|take responsibility|get involved)"),
        (0.7, r"out of (?:our|my) hands|(?:i|we) (?:dont|do not) (?:care|make the rules)|not my call"),
        (0.85, r"(?:deal|live) with it|(?:take it|like it) or leave it|tough luck|too bad|hard luck|^whatever"
               r"|whatever$"),
        (0.65, r"<its> (?:just )?(?:how it is|the way it is|how things are|life|policy end of)"),
        (0.7, r"(?:calm down|relax|chill|stop (?:shouting|yelling|overreacting))"),
        (0.75, r"(?:i|we) (?:already|have already) (?:told|answered|explained)(?: (?:you|that|this))?"
               r"(?: (?:before|already|twice))?(?: i cant| there is| nothing)"),
        (0.6, r"(?:thats|that is|its|it is) (?:all|everything) (?:i|we) can (?:do|say|tell you)"),
        (0.75, r"not (?:my|our) concern|(?:youll|you will|you ll) (?:just )?have to wait like (?:everyone|everybody)"
               r"|(?:figure|work) it out (?:yourself|on your own)|google it|nothing (?:else|more) (?:i|we) can do"
               r"(?: for you)?(?: goodbye| bye)"),
    ],
    "promise": [
        (0.9, r"(?:i|we) (?:can |will |do )?(?:personally )?(?:guarantee|promise|swear|assure you) (?:you |that )?"
              r"(?:it|you|the|your|this|that|they|refund|a |full|we|ill|its|itll|youll|delivery)"),
        (0.85, r"(?:i|we|ill|i will|well|we will) (?:can |do )?(?:personally )?(?:guarantee|promise)(?: you)?"),
        (0.8, r"(?:without fail|for sure|guaranteed|definitely|certainly|absolutely|no doubt(?: about it)?)"
              r" (?:itll|it will|youll|you will|it is going to|you are going to|it ll|you ll)"),
        (0.9, r"<sure> (?:sure|certain|guaranteed|that|it|you)"),
        (0.85, r"(?:100|one hundred|a hundred|hundred) (?:percent|per cent)|100 (?:sure|guaranteed|certain)"),
        (0.85, r"<youll> <sure> (?:get|be|have|receive|see)|<itll> <sure> <outcome>|<itll> <outcome> <sure>"),
        (0.85, r"<sure> (?:will |going to )?<outcome>|<outcome> (?:is |are )?guaranteed|guaranteed (?:to|by|refund"
               r"|delivery|arrival|replacement|money back)"),
        (0.8, r"no matter what|whatever happens|come what may|rain or shine|no questions asked full refund"),
        (0.8, r"rest assured (?:it|you|your|the|that|we)|(?:i can|i could) tell you for (?:certain|sure)"
              r"|consider it done"
              r"|(?:its|it is) a done deal|(?:zero|no) chance (?:it|you|that) (?:wont|will not|doesnt|does not)"
              r"|(?:im|i am) (?:certain|positive|sure) (?:you|it|your|the refund|the parcel)(?:ll| will| is going to)?"
              r" (?:get|be|arrive|receive|have|reach)"),
        (0.7, r"(?:you have|youve got|you have got) my word|(?:take|trust) my word|i give you my word|trust me"
              r" (?:it|you|itll|youll)"),
        (0.6, r"(?:i|we) (?:can )?(?:assure|reassure) you (?:that )?"),
    ],
    "review_for_reward": [
        (0.95, r"(?:<good> (?:\w+ ){0,3}<review>|(?:5|five) stars?)(?: \w+){0,10} <reward>"),
        (0.9, r"<reward>(?: \w+){0,10} (?:if|when|once|after) you (?:leave|give|post|write|rate us|add|award)"
              r" (?:us )?(?:a |an )?(?:5|five|full|top)(?: star| stars| marks)"),
        (0.95, r"<reward>(?: \w+){0,10} (?:for|if you|when you|once you|in exchange for|in return for|after you)"
               r"(?: \w+){0,6} <good> (?:\w+ ){0,2}<review>"),
        (0.9, r"(?:rate|rating|review|score) us (?:\w+ ){0,3}(?:5|five|highly|well|full marks|10|ten|top)"
              r"(?: \w+){0,10} <reward>"),
        (0.9, r"(?:remove|delete|change|update|edit|take down|withdraw|upgrade) (?:your |the |that )?(?:bad |negative"
              r" |poor |1 star |one star |low )?(?:review|rating|feedback|comment)(?: \w+){0,10} <reward>"),
        (0.85, r"<reward>(?: \w+){0,8} (?:if|when|once|after) you (?:remove|delete|change|update|edit|take down"
               r"|withdraw) (?:\w+ ){0,3}<review>"),
    ],
    "escalation_offer": [
        (0.85, r"(?:escalate|escalating|escalated|escalation)"),
        (0.85, r"(?:transfer|transferring|transferred|connect|connecting|put|putting|pass|passing|hand|handing"
               r"|forward|forwarding|refer|referring|raise|raising|bring|bringing) (?:you|your call|this|it|your case"
               r"|the case|you through|this one|your complaint)(?: through| over| up)? (?:to|with) (?:my |a |the |our"
               r" |one of our )?<staff>"),
        (0.85, r"(?:my|a|the|our) <staff>(?: \w+)? (?:will|can|is going to|ll|shall|would|could|is able to)"
               r"(?: be able to)? (?:call|contact|email|get back|reach out|ring|phone|speak|review|look|take|join"
               r"|be in touch|message|follow up)"),
        (0.8, r"(?:arrange|book|schedule|set up|organise|organize|request|log) (?:a |an )?(?:call ?back|callback"
              r"|call from|phone call|meeting)"),
        (0.8, r"(?:get|fetch|find|ask|bring in|grab|call over|loop in) (?:my |a |the |our )?<staff>"),
        (0.75, r"(?:raise|raising|raised|log|logged|logging|file|filed|filing|lodge|lodged|open|opened|register"
               r"|registered|submit|submitted|put in) (?:a |the |an |your )?(?:formal )?complaint (?:for you|on your"
               r" behalf|with|about|against|to)"),
        (0.6, r"(?:call|ring|phone) you back|(?:give|get) you a call|call you (?:on|tomorrow|today|later|within)"),
        (0.65, r"(?:speak|talk) (?:to|with) (?:my |a |the |our )?<staff>"),
    ],
    "escalation_refusal": [
        (0.9, r"<staff> (?:dont|do not|doesnt|does not|wont|will not|cant|cannot|never|arent|are not|isnt|is not)"
              r" (?:talk|speak|take|come|deal|handle|available|do|answer|get involved|call|here|in|going to)"),
        (0.8, r"(?:there is|theres|there s|we have|we dont have|there are) no (?:one|manager|supervisor|boss"
              r"|body|team leader)(?: else)?(?: above| higher| here| to| available| you can| i can)"),
        (0.85, r"(?:i|we) (?:cant|cannot|can not|wont|will not|dont|do not|am not able to|m not able to|am unable"
               r" to|m unable to|are unable to|are not able to|arent able to|am not allowed to|m not allowed to"
               r"|are not allowed to) (?:transfer|escalate|put you through|connect you|get (?:you )?(?:a|my|the)"
               r" <staff>|give you (?:a|my|the) <staff>|pass (?:you|this) (?:on|up))"),
        (0.7, r"(?:you can|you could|youll have to|you will have to|you have to|you need to|feel free to|go ahead"
              r" and|just) (?:file|lodge|raise|submit|make|write|send|open|leave) (?:a |the |your |an )?"
              r"(?:complaint|ticket|report|claim)(?: yourself| on the| through the| via the| online| on our)"),
        (0.7, r"(?:you can|you could|youll have to|you will have to|you have to|you need to|feel free to|just)"
              r" (?:file|lodge|raise|submit|report|do|sort|log|open|request) (?:it|that|this|one|them)"
              r" (?:yourself|on your own|online|on the|through the|via the|in the app)"),
        (0.85, r"complain (?:all you (?:want|like)|if you want|if you like)|go ahead and complain|complaining"
               r" (?:wont|will not|doesnt|does not) (?:help|change)"),
        (0.8, r"(?:escalating|escalation|a manager|a supervisor|transferring|a transfer) (?:wont|will not|doesnt"
              r"|does not"
              r"|would not|wouldnt) (?:help|change|make)"),
        (0.7, r"(?:no one|nobody|no body) (?:else )?(?:will|can|is going to|would) (?:help|talk|speak|say)"),
        (0.6, r"(?:its|it is|thats|that is) (?:not|no) (?:necessary|needed|going to help)(?: to)? (?:escalate|"
              r"speak to a|get a)"),
        (0.55, r"(?:i|we) (?:dont|do not) (?:have|do) (?:managers|supervisors|escalations|transfers)"),
    ],
    "closing": [
        (0.95, r"(?:is there |was there |are there )?(?:anything|something|any thing|anything at all) (?:else|more"
               r"|further)"),
        (0.85, r"(?:has|have) (?:that|this|we|i) (?:resolved|solved|sorted|answered|fixed|covered|cleared)"),
        (0.8, r"(?:ill|i will|we will|well|we ll|i shall) (?:send|drop|shoot) you (?:an? )?(?:email|e mail|text|message"
              r"|update|note|line)"),
        (0.9, r"(?:can|could|may|shall) i (?:help|assist|do) (?:you )?(?:with )?(?:anything|something) (?:else|more)"),
        (0.85, r"what else can (?:i|we)|any (?:other|more|further) (?:questions|issues|problems|concerns|queries"
               r"|thing|things)|(?:other|more|further) (?:questions|issues|concerns|queries)(?: i can)"),
        (0.85, r"(?:does|did|has|will|would) (?:that|this|it) (?:help|answer|solve|resolve|sort|work for you|cover"
               r"|clear|make sense)"),
        (0.85, r"(?:are|were|would) you (?:be )?(?:happy|satisfied|ok|okay|alright|all right|fine|good|content)"
               r" with (?:that|this|the|it|everything)"),
        (0.8, r"(?:is|was|does|would) (?:that|this|everything|it) (?:ok|okay|alright|all right|clear|helpful|fine"
              r"|sorted|what you needed|acceptable|suit you|work for you|sound good|sound ok)"),
        (0.8, r"(?:satisfied|happy) with (?:the|my|our|this|that) (?:service|help|solution|outcome|answer|resolution)"),
        (0.7, r"(?:hope|hopefully|trust) (?:that|this|i|it) (?:helps|helped|was helpful|solves|resolved|answers"
              r"|has helped|sorts)"),
        (0.85, r"(?:ill|i will|we will|well|we ll|i shall|someone will|a colleague will|we are going to|im going to)"
               r" (?:call|email|e mail|message|text|ring|contact|update|follow up|get back to|check (?:back )?in"
               r" with|reach out to|write to|phone|let you know|be in touch|keep you (?:posted|updated))"
               r"(?: with)?(?: you)?"),
        (0.8, r"follow(?: |-)?up (?:call|email|on|with you|tomorrow|next)|(?:follow|check) up on (?:this|it|your)"),
        (0.6, r"(?:feel free|dont hesitate|do not hesitate|just|please) (?:to )?(?:contact|reach|message|get back"
              r" to|come back|chat with|call|get in touch with) us(?: again| anytime| any time)?"),
        (0.35, r"(?:have|enjoy) a (?:great|good|nice|lovely|wonderful|fantastic) (?:day|evening|weekend|night|one"
               r"|afternoon|morning)|take care|bye|goodbye|cheers"),
    ],
    "escalation_request": [
        (0.9, r"(?:speak|talk|speaking|talking|get|let me speak|put me through|transfer me|connect me|escalate|want"
              r"|need|give me|see|call|demand|get me|fetch) (?:to |with )?(?:a |the |your |my |an |some )?"
              r"(?:<staff>|someone (?:above|senior|higher|in charge|more senior|else|who can)|somebody (?:above"
              r"|senior|in charge|else)|person in charge|whoever is in charge|real person|human)"),
        (0.7, r"(?:where is|wheres|who is|whos) (?:your|the) <staff>|<staff> (?:please|now|immediately|right now)"),
        (0.9, r"(?:someone|somebody|anyone|anybody) (?:above|senior to|higher than|more senior than|over) (?:you|u)"
              r"|(?:who is|whos|who s|someone|somebody|person|whoever is) in charge"),
        (0.55, r"<staff>"),
        (0.85, r"(?:i want to|i will|ill|im going to|i am going to|i wish to|id like to|i would like to|i need to"
               r"|how (?:do|can) i|where (?:do|can) i|i am|im|let me|gonna|going to) (?:make |file |lodge |raise"
               r" |submit |put in |register |log |open )?(?:a |an )?(?:formal |official )?complain(?:t|ts|ing)?"),
        (0.8, r"escalate (?:this|it|my|the)|(?:this|it) (?:needs|has) to be escalated|report (?:you|this|it) to"),
    ],
    "upset": [
        (0.85, r"(?:(?:so|really|very|absolutely|totally|a bit|quite|extremely|getting|feeling|more than|beyond) )?"
               r"(?:angry|furious|annoyed|frustrated|upset|disappointed|fed up|livid|gutted|unhappy|not happy"
               r"|worried|concerned|anxious|stressed|nervous|scared|panicking|devastated|disgusted|appalled|fuming"
               r"|irritated|confused and worried|sick of this|tired of this)"),
        (0.85, r"(?:this|that|it|which|your service|the service) (?:is|was|s) (?:\w+ )?(?:ridiculous|unacceptable"
               r"|disgusting|terrible|awful|horrible|a joke|rubbish|pathetic|outrageous|shocking|a disgrace|appalling"
               r"|a nightmare|useless|insane|absurd|not good enough|not ok|not okay)"),
        (0.85, r"(?:ive|i have|i ve) had (?:it|enough)|sick (?:and tired )?of|fed up|(?:cant|cannot|can not) believe"
               r"|unbelievable|worst (?:service|company|experience|shop)|waste of (?:time|money|my time)|never again"
               r"|(?:what|wtf) (?:the hell|is going on)|are you (?:kidding|joking|serious)|this is a joke"),
        (0.8, r"(?:third|fourth|fifth|3rd|4th|5th|tenth) time|how many (?:more )?times|(?:nobody|no one) (?:helps|cares"
              r"|answers|replies|listens)|keep (?:getting|being) (?:ignored|fobbed off|passed around)|(?:still|yet again)"
              r" (?:nothing|no (?:reply|answer|refund|parcel|update))"),
        (0.8, r"(?:is|will) my money (?:safe|lost|gone)|(?:im|i am) (?:afraid|scared|worried) (?:that|it|i|my)|what if"
              r" (?:it|i|my|the)|is this a scam|(?:a|this) scam|fraud|(?:i|im|i am) (?:really )?(?:need|needed) (?:it|this)"
              r" (?:for|by) (?:tomorrow|today|the|my|a)|(?:its|it is|this is) urgent|desperate|please help me"),
        (0.75, r"(?:fuck|fucking|shit|bullshit|damn|bloody|crap|wtf|ffs|piss)"),
        (0.6, r"hopefully (?:it|this|they|you)|(?:i|we) hope (?:it|this) (?:arrives|comes|works|gets)|not impressed"
              r"|annoying|frustrating|disappointing|terrible|awful|horrible|ridiculous|unacceptable"),
        (0.6, r"(?:been|keep|kept) waiting (?:for )?(?:ages|weeks|days|a week|two weeks|over|so long|forever)|still waiting"
              r"|seriously|come on|^ugh|^sigh|asap|as soon as possible|immediately|right now|(?:i|we) want (?:my|our)"
              r" money back|rip ?off|ripped off|lied|lying|liars|excuses|poor (?:service|quality|communication)"
              r"|(?:whats|what is) going on|(?:i|we) (?:was|were) promised|you (?:said|promised|told me) (?:it|that|i)"
              r"|why (?:is|has|does|did|do) (?:it|this|nobody|no one|nothing|everything) (?:\w+ )?(?:taking|take|still"
              r"|keep|always|never)|the last time (?:i|we)|(?:ill|i will) never (?:order|buy|shop)"),
        (0.45, r"still (?:hasnt|has not|not|havent|have not|isnt|is not|no)|again|never (?:arrived|came|turned up)"),
    ],
}
