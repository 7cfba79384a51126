"""The shipped phrase lists of the preconditions (scoring.checks.preconditions), English and Chinese
together: a conversation in one language rarely says the other's phrases, and mixed chats happen.

Written from the after-sales domain (returns, exchanges, 三查三核, complaints), not from any labelled
set. Chinese phrases match inside words, so forms that are mostly about money are left out: 退回
(退回原账户, paid back), 想退 / 要退 (想退款, a refund alone).
"""
from __future__ import annotations

from types import MappingProxyType

# A return or exchange being arranged or explained (forward-looking wordings).
_RETURN_MARKERS = (
    "return it", "return them", "return the", "return this", "return my", "return an item", "a return",
    "to return", "returning", "return label", "return window", "return policy", "return request",
    "return process", "return shipping", "return postage", "returns portal", "free returns",
    "send it back", "send them back", "ship it back", "ship them back", "post it back", "mail it back",
    "an exchange", "the exchange", "to exchange", "exchange it", "exchange them", "exchange the", "exchanging",
    "exchange request", "swap", "different size", "a bigger size", "a smaller size", "courier will collect",
    "collect the item", "collect it", "send back the", "return the original",
    "退货", "换货", "退换", "寄回", "换一个", "换个新的", "换一件", "换一双", "换尺码", "换个尺码",
    "换颜色", "换个颜色", "调换", "七天无理由", "7天无理由", "无理由退", "上门取件", "退货地址",
)
# The item is already back, or no return is needed: the conversation is about a refund only.
_RETURN_UNLESS = (
    "we received your return", "we have received your return", "weve received your return",
    "your return has arrived", "your return arrived", "your return was received", "return has been received",
    "already returned", "already sent it back", "already sent them back", "already shipped it back",
    "already dropped it off", "already sent back", "no need to return", "no need to send it back",
    "no need to send them back", "dont need to return", "do not need to return", "dont need to send it back",
    "keep the item", "keep the old one", "refund only", "already been returned", "return was delivered",
    "return has been delivered", "return was processed", "return has been processed",
    "已经寄回", "已寄回", "已经寄出退货", "已经退货", "已退货", "仓库已收到", "仓库已经收到", "已收到您的退货",
    "已经收到您的退货", "退货已签收", "已经退回去了", "不用退回", "无需退回", "不用寄回", "无需寄回", "不用退货",
    "无需退货", "仅退款", "只退款", "东西您留着", "商品您留着", "已经到仓", "已到仓", "到仓签收", "仓库签收",
    "已经入库", "已入库", "退货包裹已", "退回的包裹已", "已经寄回去", "已经寄出了退货",
)

# An after-sales problem with a specific order, as the customer puts it.
_ORDER_MARKERS = (
    "hasnt arrived", "has not arrived", "havent received", "have not received", "didnt arrive", "never arrived",
    "not arrived", "not delivered", "wasnt delivered", "still waiting for my order", "where is my order",
    "wheres my order", "where is my package", "wheres my package", "tracking", "delayed", "late delivery",
    "lost", "damaged", "broken", "cracked", "defective", "faulty", "doesnt work", "does not work",
    "stopped working", "wont turn on", "wrong item", "wrong size", "wrong colour", "wrong color",
    "missing", "not what i ordered", "return", "exchange", "refund", "replacement", "price drop",
    "price protection", "price adjustment",
    "收到", "没到", "没送到", "到货", "物流", "快递", "包裹", "发货", "派送", "配送", "签收", "丢件", "丢了", "破",
    "坏", "碎", "裂", "损坏", "质量", "瑕疵", "划痕", "污渍", "故障", "不能用", "用不了", "开不了机", "没反应",
    "发错", "错发", "少发", "漏发", "缺", "少了", "不对版", "色差", "不一样", "不合适", "尺码", "退", "换",
    "价保", "保价", "降价", "差价", "维修", "售后", "漏", "不加热", "不热", "不亮", "不转", "不制冷", "黑屏",
    "死机", "卡顿", "异响", "噪音", "没声音", "充不进电", "充不上电", "失灵", "断了", "掉了", "脱落", "起球",
    "掉色", "开线", "变形", "发霉", "过期", "变质",
)
# ... and a specific order is referred to: an order word or an order number (8 or more digits, or
# letters then 6 or more digits), in any turn.
_ORDER_REFERENCE = ("order number", "order no", "order id", "order reference", "your order", "my order",
                    "i bought", "i ordered", "i received", "订单", "单号", "这一单", "这单", "买的", "收到的", "寄来的",
                    "我的快递", "我的包裹")
_ORDER_NUMBER = (r"\b[a-z]{0,4}\d{6,}\b", r"(?<![0-9])\d{8,}")
# Topics that are not an after-sales order problem, even when a marker word also occurs.
_ORDER_UNLESS = (
    "invoice", "vat receipt", "charged twice", "double charged", "charged me twice", "charged two times",
    "payment failed", "payment didnt go through", "card was declined", "card declined", "deposit",
    "pre order", "preorder", "change my address", "change the address", "change the delivery address",
    "update my address", "update the address", "wrong address on", "which card",
    "发票", "开票", "扣了两次", "重复扣款", "扣款两次", "扣了两笔", "多扣", "付款失败", "支付失败", "扣款失败",
    "付不了款", "定金", "预售", "尾款", "修改地址", "改地址", "改一下地址", "换地址", "换个地址", "地址写错",
    "地址填错", "改收货地址", "修改收货地址", "哪张卡",
)

# The customer asks for a manager, supervisor, someone above the agent, or to lodge a complaint.
ESCALATION_REQUESTS = (
    "manager", "supervisor", "someone above you", "someone more senior", "your boss", "team leader",
    "someone in charge", "speak to someone else", "talk to someone else", "escalate", "make a complaint",
    "file a complaint", "lodge a complaint", "raise a complaint", "formal complaint", "complain about you",
    "report you",
    "店长", "主管", "经理", "领导", "负责人", "上级", "老板", "换个客服", "换人", "我要投诉", "要投诉", "想投诉",
    "去投诉", "投诉你", "投诉您", "投诉你们", "投诉到", "12315",
)

RETURN_IN_PLAY = MappingProxyType({"markers": _RETURN_MARKERS, "unless": _RETURN_UNLESS})
ORDER_PROBLEM = MappingProxyType({"markers": _ORDER_MARKERS, "unless": _ORDER_UNLESS,
                                  "requires": _ORDER_REFERENCE, "requires_regexes": _ORDER_NUMBER})
