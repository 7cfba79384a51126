"""The end mood of whole conversations, scored with the shipped scorecards and the shipped sentiment
models: each kind of closing the dialogue-aware reading knows (scoring.mood), in sentences written for
these tests (not taken from any labelled set)."""
import pytest

from scoring.catalog import shipped_scorecard
from scoring.engine import evaluate
from scoring.mood import customer_mood
from scoring.sentiment import DefaultSentiment
from transcripts.model import Conversation, Turn

CARDS = {"en": "general-en", "zh": "ecommerce-aftersales-zh"}
ENGINE = DefaultSentiment()


def end_mood(language, *turns):
    speakers = {"a": "agent", "c": "customer"}
    conversation = Conversation("mood-dialogue", "agent.a", tuple(Turn(speakers[s], t) for s, t in turns),
                                language=language)
    result = evaluate(conversation, shipped_scorecard(CARDS[language]), ENGINE)
    return customer_mood(conversation, result.turn_sentiment)


ZH = [
    ("thanks after the fix is positive", "positive",
     [("c", "我买的台灯不亮"), ("a", "已经给您补发了一个新的，明天到"), ("c", "好的，辛苦你了，谢谢！")]),
    ("a warm 没啦 to 还有别的吗 is positive", "positive",
     [("a", "退款已经原路退回。请问还有别的需要帮忙的吗？"), ("c", "没啦没啦，谢谢你哈")]),
    ("a bare 木有了 is neutral, not negative", "neutral",
     [("a", "地址已经改好了。还有其他问题吗？"), ("c", "木有了")]),
    ("thanks carries over a later bare 没啦", "positive",
     [("c", "太好了，谢谢！"), ("a", "不客气，还有其他需要吗？"), ("c", "没啦")]),
    ("a complaint answered by an accepted solution ends neutral", "neutral",
     [("c", "都一个星期了还没发货，我很生气"), ("a", "非常抱歉，今天给您加急发出，再补偿一张5元券，您看这样行吗？"),
      ("c", "行，那就这么办"), ("a", "好的。还有其他问题吗？"), ("c", "没有了")]),
    ("an outcome short of the expectation, then 没有, is negative", "negative",
     [("a", "这个只能退一半的钱哦"), ("c", "啊？我还以为能直接换个新的"), ("a", "是的呢。还有其他需要吗？"), ("c", "没有")]),
    ("a threat is negative whatever the words", "negative",
     [("a", "这个我们处理不了"), ("c", "好，你们等着吧")]),
    ("a repeated complaint then 嗯 stays negative", "negative",
     [("c", "第三次联系你们了，还是没人处理"), ("a", "我再帮您催一下仓库"), ("c", "嗯")]),
    ("worry then 先这样吧 stays negative", "negative",
     [("a", "已经给您重新寄出了"), ("c", "我还是不太放心，怕又寄丢了"), ("a", "我们会全程跟踪的"), ("c", "那就先这样吧")]),
    ("resignation is negative", "negative",
     [("a", "仓库要下周才有货"), ("c", "那也没办法，只能等了")]),
    ("closing words strung together are neutral", "neutral",
     [("a", "已经帮您修改好了"), ("c", "嗯嗯，好的，拜拜")]),
    ("a bad line is no feeling", "neutral",
     [("c", "喂？喂？你那边声音断断续续的"), ("a", "您好，信号不太好，我稍后给您回电可以吗？"), ("c", "……好")]),
    ("being left waiting is negative", "negative",
     [("c", "我的退款到哪一步了"), ("a", "您好，请稍等，我查一下"), ("c", "人呢？我都等了十分钟了")]),
    ("a pleasant surprise is not disappointment", "positive",
     [("a", "您的包裹今天下午就能送到"), ("c", "我还以为要等好几天，太好了！")]),
    ("an opening 有人吗 is not impatience, a doubled 有人吗？？ is", "negative",
     [("c", "有人吗"), ("a", "您好，在的"), ("c", "我的退款还没到"), ("a", "请稍等"), ("c", "有人吗？？")]),
    ("a lone opening 有人吗 is neutral", "neutral", [("c", "有人吗")]),
    ("谢了 and 麻烦您了 are thanks", "positive", [("a", "已经帮您备注了"), ("c", "好嘞，麻烦您了，谢了")]),
    ("leaving it to the shop is resignation", "negative", [("a", "这个要等厂家回复"), ("c", "行吧，你们自己看着办")]),
    ("a reprimand for next time is negative", "negative", [("a", "已经给您重新发货了"), ("c", "好吧，下次别再这样了")]),
    ("giving up the purchase is negative", "negative", [("a", "现在缺货，要等半个月"), ("c", "那我就不要了")]),
    ("asking about the recipient is not impatience", "neutral",
     [("a", "地址已经改好了"), ("c", "那收件人呢？也能改吗")]),
    ("a complaint opened with 喂 keeps its feeling", "negative",
     [("a", "您好，请讲"), ("c", "喂，我的快递到底什么时候到，都催了三次了，太过分了")]),
    ("giving an order number reads neutral", "neutral",
     [("a", "麻烦提供一下订单号"), ("c", "订单号是 5520198347716602")]),
]
EN = [
    ("cheers after the fix is positive", "positive",
     [("a", "I've refunded the delivery fee."), ("c", "Cheers, that's brilliant")]),
    ("a yes to the agent's proposal, then no, is neutral", "neutral",
     [("c", "It came broken again."), ("a", "Shall I send a replacement by express?"), ("c", "Yes please, go ahead"),
      ("a", "Done. Anything else?"), ("c", "No.")]),
    ("a threat is negative", "negative",
     [("a", "We can't refund opened items."), ("c", "Fine. You'll be hearing from my lawyer.")]),
    ("an outcome short of the expectation, then no, is negative", "negative",
     [("a", "We can offer a voucher."), ("c", "I thought I'd get a full refund, not a voucher."),
      ("a", "I understand. Anything else?"), ("c", "no")]),
    ("a negated compliment, then no, is negative", "negative",
     [("a", "You'll have to ask the courier."), ("c", "Well, that's not very useful."), ("a", "Anything else?"),
      ("c", "No.")]),
    ("resignation is negative", "negative",
     [("a", "It's out of stock until May."), ("c", "There's nothing I can do then, I'll just have to wait.")]),
    ("being left waiting is negative", "negative",
     [("c", "My parcel says delivered but it isn't here"), ("a", "One moment please."), ("c", "hello?? I need an answer")]),
    ("skepticism about a promise is negative", "negative",
     [("a", "Someone will call you back today."), ("c", "Yeah right, I've heard that before.")]),
    ("hoping against the odds is negative", "negative",
     [("a", "It's with the courier now."), ("c", "Well, let's hope it turns up this week.")]),
    ("praise for the agent in a decline is positive", "positive",
     [("a", "Is there anything else?"), ("c", "No, you're a lifesaver")]),
    ("a guess inside a complaint keeps the complaint", "negative",
     [("a", "The courier has no scan since Monday."), ("c", "I guess it's lost then, this is a total disaster and nobody cares")]),
    ("an opening question is not impatience", "neutral",
     [("c", "Hi, is anyone there? I have a question about sizes"), ("a", "Hello! Sure, which item?"),
      ("c", "The blue jacket, is it true to size?")]),
]


CASES = [("zh", *case) for case in ZH] + [("en", *case) for case in EN]


@pytest.mark.parametrize("language, case, label, turns", CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_a_conversation_ends_in_the_mood_its_last_customer_turns_say(language, case, label, turns):
    mood = end_mood(language, *turns)
    assert mood.label == label, mood


def test_an_accepted_solution_stops_an_earlier_complaint_but_not_earlier_thanks():
    complaint = end_mood("zh", ("c", "太慢了，我很失望"), ("a", "给您换顺丰发，您看可以吗？"), ("c", "可以"))
    thanks = end_mood("zh", ("c", "太感谢了！"), ("a", "那我直接给您换顺丰发，您看可以吗？"), ("c", "可以"),
                      ("a", "还有其他问题吗？"), ("c", "没有了"))
    assert (complaint.label, complaint.why) == ("neutral", "accepted last turn")
    assert thanks.label == "positive" and thanks.end_turns == (0, 4)
