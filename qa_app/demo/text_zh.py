"""Chinese phrase pools shared by every scenario, and the facts (orders, couriers, dates) they mention."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from qa_app.demo.scenarios_zh import CITIES, COURIERS, PRODUCTS, SCENARIOS, SIZES, VOUCHERS

__all__ = ["SCENARIOS", "context"]

BRAND = "优选商城"

GREETING_CHAT = ["您好，我是客服{name}，很高兴为您服务～", "您好，欢迎光临{brand}，我是客服{name}，请问有什么可以帮您？",
                 "亲，您好！{brand}售后客服{name}为您服务。"]
GREETING_CALL = ["您好，欢迎致电{brand}售后服务，我是客服{name}，很高兴为您服务。",
                 "您好，{brand}客服中心，我是客服{name}，请问有什么可以帮您？"]
NO_GREETING_CHAT = ["嗯", "稍等", "查一下"]
NO_GREETING_CALL = ["喂，售后。", "喂，说吧。"]
BOT_GREETING = ["【自动回复】亲，您好，欢迎光临{brand}！客服正在赶来，请稍候～",
                "【自动回复】您好，{brand}智能助手为您服务，正在为您转接人工客服。"]

EMPATHY_MILD = ["给您带来不便，实在不好意思，我马上帮您处理。", "非常理解，这种情况确实影响使用，我来帮您处理。",
                "抱歉让您遇到这个问题，我马上为您查。"]
EMPATHY_STRONG = ["非常理解您的心情，给您带来不便真的很抱歉，我一定帮您处理好。",
                  "实在不好意思，让您久等了，您先别着急，我马上为您跟进。",
                  "对不起，这确实是我们的问题，理解您的心情，我这就帮您处理。"]
# Acknowledges the feeling without the keywords the automatic check looks for.
PARAPHRASED_EMPATHY = ["换作是我也会着急的，我们一起把它解决掉。", "这种情况确实挺闹心的，我马上看。",
                       "遇到这种事谁都会上火，我先帮您把情况弄清楚。"]

ASK_ORDER = ["麻烦您提供一下订单号，我帮您核实订单信息。", "请您发一下订单号，我这边先核实订单。"]
GIVE_ORDER = ["订单号 {order}", "{order}", "订单号是 {order}"]
ASK_ORDER_CURT = ["订单号", "发订单号"]
GIVE_ORDER_PLAIN = GIVE_ORDER
CHECK_ORDER = ["好的，已为您核实订单：订单号 {order}，{ordered}下单的{product}，实付{amount}元。",
               "收到，我这边核对订单：{product}，{ordered}下单，金额{amount}元，订单信息无误。"]
CHECK_LOGISTICS = ["我再帮您查询一下物流：{courier}运单号 {tracking}，{track}。",
                   "物流这边我也查询了，{courier} {tracking}，{track}。"]
CONFIRM = ["跟您确认问题：{confirm}，对吗？", "我再核实一下问题：{confirm}，是这样吗？"]
CUSTOMER_YES = ["对的", "是的，就是这样", "嗯，对"]
# Return conditions, process, time limit and fees, as the after-sales standard asks agents to explain.
POLICY = ["跟您说明一下退货规则：签收7天内、商品不影响二次销售（吊牌完好、未洗涤）可以申请；流程是订单页「申请售后」，"
          "审核24小时内完成；质量问题来回运费由我们承担，退款在仓库签收后1-3个工作日原路退回。",
          "退换货条件是签收后7天内、商品完好；在订单页提交申请后24小时内审核，3个工作日内处理完；"
          "非质量问题有运费险赔付，退款原路退回。"]

EXTRA_QA = [("会有短信通知吗？", "会的，处理进度会短信通知您，订单页也能看到。", "有吧。"),
            ("大概要多久？", "一般1-3个工作日，我这边会帮您盯着。", "等着就行。"),
            ("需要我拍照吗？", "需要的话我会在订单里给您留言，您直接上传就可以。", "看情况。")]
PUSHBACK = [("这算什么回答？", "系统就是这么规定的。"), ("那我现在怎么办？", "等通知。"),
            ("就这样？", "流程就是这样。"), ("你们能不能上点心？", "已经在处理了。")]

# Each line holds exactly one forbidden phrase; the customer's reaction follows.
FORBIDDEN = [("这不是我的问题，是快递的事。", "那你们卖家就不管了？"), ("不关我的事，你去找快递。", "你们就这样推卸责任？"),
             ("物流信息你自己看啊，页面上都有。", "我看了才来问的！"), ("尺码选错是你自己的问题。", "你们尺码表本来就不准。"),
             ("爱买不买。", "这什么态度？"), ("这个我也没办法。", "那谁有办法？"),
             ("说了要等仓库审核，听不懂吗？", "你怎么说话的？"), ("给个五星好评的话可以好评返现5元。", "我现在只想把问题解决。")]
# The phrase appears only because the agent cites and disowns it; a reviewer overrules the check.
# (Cited in quotation marks or as reported speech, the check itself would already see that it is
# not the agent's own words: here the disowning comes after the phrase, which it does not read.)
FALSE_FORBIDDEN = [("上次问你们客服，她说不关她的事。",
                    "不关我的事这种回复确实不对，我代表店铺向您道歉，这次由我跟进到底。")]

ANYTHING_ELSE = ["请问还有其他问题吗？", "请问还有什么可以帮您的吗？", "请问您对这次的处理满意吗？"]
CALLBACK = ["我这边给您登记了回访，{eta}前会有专员电话联系您确认处理结果。请问还有其他问题吗？",
            "处理完成后我们会电话回访，确认您收到。请问还有什么可以帮您的吗？"]
FAREWELL = ["感谢您的耐心，祝您生活愉快，再见！", "不客气，祝您生活愉快～", "感谢您的耐心等待，再见！"]
FAREWELL_AFTER_COMPLAINT = ["您的意见我已经记录反馈，感谢您的耐心，再见。", "已经记录了，祝您生活愉快。"]
FAREWELL_SORRY = ["这次的体验给您带来不便，实在抱歉，您的意见我已经反馈给主管，感谢您的耐心，再见。",
                  "对不起没能让您满意，我会继续跟进并给您回访，祝您生活愉快。"]
CURT_LAST = ["嗯", "知道了", "已记录", "好"]
LEFT_PROMPT = ["亲，还在吗？", "亲，您长时间没有回复，这边先结束会话了。"]

HAPPY_END = ["好的，非常感谢，很满意", "好的好的，谢谢你，处理得很快，满意！", "明白了，非常感谢，很满意",
             "太好了，谢谢你的耐心"]
NEUTRAL_END = ["好吧，那我再等等", "好的，那我再看看", "好的，知道了"]
NEGATIVE_END = ["太差了，我要投诉", "什么服务态度，差评！", "太失望了，以后再也不买了", "无法接受，我要投诉你们"]
# Reads as positive to a sentiment engine; a human hears the opposite.
# Sarcasm the sentiment model reads as thanks (plain 呵呵 sarcasm it reads as negative): the reviews
# correct the automatic end-sentiment verdict on these.
SARCASTIC_END = ["行，谢谢你们这么高效", "好吧，谢谢你们的效率"]


def _day(d: datetime) -> str:
    return f"{d.month}月{d.day}日"


def context(rng: random.Random, kinds: tuple[str, ...], started_at: datetime, name: str, recent: bool) -> dict:
    """Every value a template may mention, for one conversation started at `started_at`.

    `recent` orders are a few days old (delivery problems); others are weeks old (returns, refunds).
    """
    product, price = rng.choice(PRODUCTS[rng.choice(kinds)])
    size, bigger = rng.choice(SIZES)
    courier = rng.choice(sorted(COURIERS))
    prefix, digits = COURIERS[courier]
    ordered = started_at - timedelta(days=rng.randint(3, 8) if recent else rng.randint(10, 35))
    delivered = min(ordered + timedelta(days=rng.randint(2, 5)), started_at - timedelta(days=1))
    values = {
        "name": name, "brand": BRAND, "product": product, "size": size, "bigger": bigger, "courier": courier,
        "tracking": prefix + "".join(str(rng.randint(0, 9)) for _ in range(digits)),
        "ordered": _day(ordered), "delivered": _day(delivered), "city": rng.choice(CITIES),
        "eta": _day(started_at + timedelta(days=rng.randint(2, 4))),
        "order": f"{ordered:%Y%m%d}-{rng.randint(10000, 99999)}", "amount": str(price),
        "partial": str(int(price * rng.choice([0.5, 0.6, 0.8]))), "case": f"SH{rng.randint(10000000, 99999999)}",
        "voucher": rng.choice(VOUCHERS),
    }
    return values
