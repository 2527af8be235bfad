<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Application</name>
    <message>
        <location filename="../../pos_member/ui/application.py" line="+129"/>
        <source>Something went wrong ({0}); the till is still running. Details are in the log.</source>
        <translation>出了点问题（{0}）；收银台仍在运行。详情见日志。</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <location filename="../../pos_member/ui/camera_view.py" line="+32"/>
        <source>Camera starting…</source>
        <translation>摄像头启动中…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type or scan the code with the keyboard. ({0})</source>
        <translation>请用键盘输入或扫码枪扫描会员码。（{0}）</translation>
    </message>
</context>
<context>
    <name>DbWorker</name>
    <message>
        <location filename="../../pos_member/ui/tasks.py" line="+57"/>
        <source>The database could not do this ({0}); nothing was recorded. Details are in the log.</source>
        <translation>数据库无法完成此操作（{0}），未记录任何内容。详情见日志。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An internal problem stopped this ({0}); nothing was recorded. Details are in the log.</source>
        <translation>内部问题导致操作中止（{0}），未记录任何内容。详情见日志。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../pos_member/ui/dialogs.py" line="+190"/>
        <source>Manager PIN</source>
        <translation>店长 PIN 码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>0 = first camera; or a video file; or rtsp://…</source>
        <translation>0 = 第一个摄像头；也可填视频文件或 rtsp://…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QR decoder</source>
        <translation>二维码解码器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview, then any printer or PDF</source>
        <translation>预览，然后选任意打印机或 PDF</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System printer (by name)</source>
        <translation>系统打印机（按名称）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ESC/POS thermal printer on the network</source>
        <translation>网络 ESC/POS 热敏打印机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ESC/POS thermal printer on USB</source>
        <translation>USB ESC/POS 热敏打印机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ESC/POS thermal printer at a device path</source>
        <translation>设备路径上的 ESC/POS 热敏打印机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer address</source>
        <translation>打印机地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>printer name, 192.168.1.50:9100, 04b8:0202 or /dev/usb/lp0</source>
        <translation>打印机名称、192.168.1.50:9100、04b8:0202 或 /dev/usb/lp0</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cash drawer</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stays shut</source>
        <translation>不打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opens on cash sales and refunds (ESC/POS)</source>
        <translation>现金销售和退款时打开（ESC/POS）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new language is used from the next start; camera and decoder change at once.</source>
        <translation>新语言在下次启动时生效；摄像头和解码器立即生效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../pos_member/ui/help_overlay.py" line="+18"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>F1 or Esc closes this help.</source>
        <translation>按 F1 或 Esc 关闭帮助。</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../pos_member/ui/names.py" line="+29"/>
        <source>en</source>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../pos_member/ui/member_panel.py" line="+34"/>
        <source>Scan a card or type a card number, phone or member number.</source>
        <translation>请扫描会员卡，或输入卡号、手机号或会员号。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Card valid until</source>
        <translation>卡有效期至</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member no</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored value</source>
        <translation>储值余额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{0} (until {1})</source>
        <translation>{0}（有效期至 {1}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>no card</source>
        <translation>无卡</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Refused: {0}</source>
        <translation>拒绝：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>this member was anonymised</source>
        <translation>该会员已匿名化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>card {0} was reported lost</source>
        <translation>卡 {0} 已挂失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>card {0} was replaced by a newer card</source>
        <translation>卡 {0} 已换新卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>card {0} is frozen</source>
        <translation>卡 {0} 已冻结</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>card {0} expired on {1}</source>
        <translation>卡 {0} 已于 {1} 过期</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>lost</source>
        <translation>已挂失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>replaced</source>
        <translation>已换卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../pos_member/ui/printing.py" line="+273"/>
        <source>The printer {0} is not available; choose another in Settings (F9).</source>
        <translation>打印机 {0} 不可用；请在设置（F9）中另选一台。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer address {0} is not valid; correct it in Settings (F9).</source>
        <translation>小票打印机地址 {0} 无效；请在设置（F9）中更正。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer {0} does not answer; check that it is on and connected, then print again (Ctrl+P).</source>
        <translation>小票打印机 {0} 没有响应；请检查是否开机并已连接，然后重新打印（Ctrl+P）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No USB receipt printer {0} was found; check the cable, then print again (Ctrl+P).</source>
        <translation>未找到 USB 小票打印机 {0}；请检查连接线，然后重新打印（Ctrl+P）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer {0} stopped while printing; check the paper, then print again (Ctrl+P).</source>
        <translation>小票打印机 {0} 打印中途停止；请检查纸张，然后重新打印（Ctrl+P）。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Printing the receipt…</source>
        <translation>正在打印小票…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Receipt printed.</source>
        <translation>小票已打印。</translation>
    </message>
</context>
<context>
    <name>QrDialog</name>
    <message>
        <location filename="../../pos_member/ui/qr_dialog.py" line="+33"/>
        <source>Card QR</source>
        <translation>会员卡二维码</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Print  [Ctrl+P]</source>
        <translation>打印  [Ctrl+P]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save PDF  [Ctrl+S]</source>
        <translation>保存 PDF  [Ctrl+S]</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The PDF could not be saved in {0}.</source>
        <translation>无法将 PDF 保存到 {0}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <location filename="../../pos_member/ui/printing.py" line="-260"/>
        <source>Bill</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Refund of sale {0}</source>
        <translation>退款原单 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier discount</source>
        <translation>等级折扣</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Coupon {0}</source>
        <translation>优惠券 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points used ({0})</source>
        <translation>积分抵扣（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored value</source>
        <translation>储值支付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To pay</source>
        <translation>应付</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Refunded</source>
        <translation>退款金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash back</source>
        <translation>退还现金</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored value back</source>
        <translation>退回储值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points given back</source>
        <translation>退回积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spent points bought back ({0})</source>
        <translation>已用积分折现扣回（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>获得积分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Points reversed</source>
        <translation>扣回积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored value balance</source>
        <translation>储值余额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt no.</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sale</source>
        <translation>单号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund</source>
        <translation>退款单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>REFUND</source>
        <translation>退款小票</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+99"/>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../pos_member/ui/messages.py" line="+77"/>
        <source>This QR code&apos;s signature is not valid: forged or from another chain.</source>
        <translation>二维码签名无效：伪造或来自其他连锁。</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>This is not a member code.</source>
        <translation>这不是会员码。</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>HQ does not answer: only {available} points are confirmed by HQ for this member; points earned here since the last sync can be used after it (offline limit).</source>
        <translation>总部未应答：总部只确认了该会员的 {available} 积分；上次同步后在本店获得的积分须等下次同步后才能使用（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not answer: until it does, this member may redeem {left} more points here (offline limit).</source>
        <translation>总部未应答：在总部恢复应答前，该会员在本机还可使用 {left} 积分（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not answer: until it does, this till may redeem {left} more points today (offline limit).</source>
        <translation>总部未应答：在总部恢复应答前，本收银机今天还可接受 {left} 积分（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ allows at most {available} points: the member&apos;s chain balance less what other tills hold for sales in progress (authorised by HQ).</source>
        <translation>总部最多允许使用 {available} 积分：即会员在全连锁的余额减去其他收银机进行中交易所占用的部分（总部授权）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ allows at most ¥ {available} of stored value: the member&apos;s chain balance less what other tills hold for sales in progress (authorised by HQ).</source>
        <translation>总部最多允许使用储值 ¥ {available}：即会员在全连锁的余额减去其他收银机进行中交易所占用的部分（总部授权）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not answer: only ¥ {available} of stored value is confirmed by HQ for this member, less what this till spent since (offline limit).</source>
        <translation>总部未应答：总部只确认了该会员储值 ¥ {available}（已减去本机此后的消费）（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not answer: until it does, this member may spend ¥ {left} more stored value here (offline limit).</source>
        <translation>总部未应答：在总部恢复应答前，该会员在本机还可使用储值 ¥ {left}（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not answer: until it does, this till may take ¥ {left} more stored value today (offline limit).</source>
        <translation>总部未应答：在总部恢复应答前，本收银机今天还可收取储值 ¥ {left}（离线限额）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Coupon {code} is being used in a sale at another till (authorised by HQ).</source>
        <translation>优惠券 {code} 正在另一台收银机的交易中使用（总部授权）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Coupon {code} was already used in the chain (authorised by HQ).</source>
        <translation>优惠券 {code} 已在连锁内使用过（总部授权）。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>This member was anonymised and cannot be used.</source>
        <translation>该会员已匿名化，不能使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member has no card; issue one first.</source>
        <translation>该会员没有卡，请先发卡。</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>This phone code has expired; ask the member to refresh it.</source>
        <translation>手机会员码已过期，请会员刷新。</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>{field}: type an amount in yuan, such as 128.50.</source>
        <translation>{field}：请输入以元为单位的金额，例如 128.50。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: at most 2 decimal places (0.01 yuan).</source>
        <translation>{field}：最多两位小数（0.01 元）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must not be negative.</source>
        <translation>{field}：不能为负数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be greater than 0.</source>
        <translation>{field}：必须大于 0。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must not be 0.</source>
        <translation>{field}：不能为 0。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: this figure is too large (at most ¥ {max}).</source>
        <translation>{field}：数值过大（最多 ¥ {max}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: type a whole number of points.</source>
        <translation>{field}：积分须为整数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: this figure is too large.</source>
        <translation>{field}：数值过大。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: above the store&apos;s limit of ¥ {limit}.</source>
        <translation>{field}：超过本店上限 ¥ {limit}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: above the top-up limit of ¥ {limit}.</source>
        <translation>{field}：超过单次充值上限 ¥ {limit}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The lines add up to ¥ {lines} but the bill is ¥ {amount}.</source>
        <translation>各行合计 ¥ {lines}，与账单金额 ¥ {amount} 不符。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The member has only {points} points.</source>
        <translation>会员只有 {points} 积分。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At least {min} points at a time.</source>
        <translation>每次至少使用 {min} 积分。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most {allowed} points on this bill ({percent}% of it).</source>
        <translation>本单最多可用 {allowed} 积分（账单的 {percent}%）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be a multiple of {step}.</source>
        <translation>{field}：须为 {step} 的倍数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today the member may redeem {left} more points (daily cap).</source>
        <translation>该会员今天还可使用 {left} 积分（每日上限）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today this store may redeem {left} more points (the store&apos;s daily cap).</source>
        <translation>本店今天还可兑换 {left} 积分（门店每日上限）。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The member has only ¥ {balance} stored value.</source>
        <translation>会员储值余额只有 ¥ {balance}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored value is more than the ¥ {left} left to pay.</source>
        <translation>储值超过了待付的 ¥ {left}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored value would go below zero.</source>
        <translation>储值余额将变为负数，无法办理。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points would go below zero.</source>
        <translation>积分将变为负数，无法办理。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan or type the member&apos;s code first.</source>
        <translation>请先扫描或输入会员码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Card number {card} has a wrong check digit; was it mistyped?</source>
        <translation>卡号 {card} 校验位不对，是否输错了？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{text}&apos; is not a card number, member QR, phone or member number.</source>
        <translation>“{text}”不是卡号、会员二维码、手机号或会员号。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card {card} was reported lost and is refused.</source>
        <translation>卡 {card} 已挂失，拒绝使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} was replaced by a newer card and is refused.</source>
        <translation>卡 {card} 已换新卡，旧卡拒绝使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is frozen; a manager can unfreeze it.</source>
        <translation>卡 {card} 已冻结，需店长解冻。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} expired on {date}; renew it first.</source>
        <translation>卡 {card} 已于 {date} 过期，请先续卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This QR is from an older print of card {card} and is refused.</source>
        <translation>此二维码是卡 {card} 的旧版本，拒绝使用。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This member no longer exists.</source>
        <translation>该会员已不存在。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is {status}; this cannot be done to it.</source>
        <translation>卡 {card} 当前{status}，不能办理此操作。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} was already replaced by card {new_card}.</source>
        <translation>卡 {card} 已换成新卡 {new_card}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is {status}; only an active card is reprinted.</source>
        <translation>卡 {card} 当前{status}，只有正常使用的卡才能补印。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is {status}; it cannot be renewed.</source>
        <translation>卡 {card} 当前{status}，不能续卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} never expires; there is nothing to renew.</source>
        <translation>卡 {card} 永久有效，无需续卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An anonymised member cannot get a new card.</source>
        <translation>已匿名化的会员不能办新卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till has used up its card numbers; call support.</source>
        <translation>本收银台的卡号已用完，请联系技术支持。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till has used up its member numbers; call support.</source>
        <translation>本收银台的会员号已用完，请联系技术支持。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This coupon QR&apos;s signature is not valid: forged or from another chain.</source>
        <translation>优惠券二维码签名无效：伪造或来自其他连锁。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This coupon cannot be used on this sale: {why}</source>
        <translation>这张优惠券不能用于本单：{why}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>belongs to another member</source>
        <translation>属于其他会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>already used</source>
        <translation>已使用过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no longer valid</source>
        <translation>已失效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>valid from {date}</source>
        <translation>{date} 起才可使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expired on {date}</source>
        <translation>已于 {date} 过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>needs a bill of {min} (this one is {bill})</source>
        <translation>账单需满 ¥ {min}（本单 ¥ {bill}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>gift: {name}</source>
        <translation>赠品：{name}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{off} off ({name})</source>
        <translation>减 ¥ {off}（{name}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{percent}% off, {off} ({name})</source>
        <translation>优惠 {percent}%，减 ¥ {off}（{name}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The rules have no coupon &apos;{code}&apos;; they have {choices}.</source>
        <translation>规则中没有优惠券“{code}”；现有：{choices}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The rules have no tier &apos;{tier}&apos;.</source>
        <translation>规则中没有等级“{tier}”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No member is in this group.</source>
        <translation>这个范围内没有会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must not be empty.</source>
        <translation>{field}：不能为空。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: at most {max} characters.</source>
        <translation>{field}：最多 {max} 个字符。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: &apos;{text}&apos; is not a date; write YYYY-MM-DD.</source>
        <translation>{field}：“{text}”不是日期，请按 YYYY-MM-DD 填写。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: {text} is not a plausible birthday.</source>
        <translation>{field}：{text} 不是合理的生日。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: &apos;{text}&apos; is not a mobile number (11 digits starting with 1).</source>
        <translation>{field}：“{text}”不是手机号（以 1 开头的 11 位数字）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone {phone} already belongs to member {member}.</source>
        <translation>手机号 {phone} 已属于会员 {member}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be one of {choices}.</source>
        <translation>{field}：只能是 {choices} 之一。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be {low} to {high}.</source>
        <translation>{field}：须在 {low} 到 {high} 之间。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be at least {low}.</source>
        <translation>{field}：至少为 {low}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was changed.</source>
        <translation>没有需要修改的内容。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An anonymised member cannot be edited.</source>
        <translation>已匿名化的会员不能修改。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member is already anonymised.</source>
        <translation>该会员已经匿名化。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: a PIN is 4 to 8 digits.</source>
        <translation>{field}：密码为 4 到 8 位数字。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No staff member has this PIN.</source>
        <translation>没有员工使用这个密码。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many wrong PINs in a row; sign-in is possible again in {seconds} s.</source>
        <translation>连续输错密码次数过多；{seconds} 秒后可再次登录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{field}: say why the points are adjusted.</source>
        <translation>{field}：请说明调整积分的原因。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick a sale first.</source>
        <translation>请先选择一笔销售。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No sale {sale} in this store.</source>
        <translation>本店没有单号为 {sale} 的销售。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This sale has already been fully refunded.</source>
        <translation>这笔销售已全额退款。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This sale has no line {line}.</source>
        <translation>这笔销售没有第 {line} 行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Line {line} has already been fully refunded.</source>
        <translation>第 {line} 行已全额退款。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only ¥ {left} of line {line} is left to refund.</source>
        <translation>第 {line} 行只剩 ¥ {left} 可退。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only ¥ {left} of this sale is left to refund.</source>
        <translation>这笔销售只剩 ¥ {left} 可退。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This refund needs a manager&apos;s PIN.</source>
        <translation>这笔退款需要店长密码。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: &apos;{text}&apos; must be exactly 3 digits, such as 001.</source>
        <translation>{field}：“{text}”须为 3 位数字，例如 001。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This data folder already holds a store.</source>
        <translation>此数据文件夹中已有门店。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no store in {dir} yet: run `pos-member init` first.</source>
        <translation>{dir} 中还没有门店：请先运行 `pos-member init`。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The store file {path} is empty (0 bytes). Restore it from a backup or move it away; the till does not start on it.</source>
        <translation>存储文件 {path} 是空的（0 字节）。请从备份恢复或将其移走；收银台不会在此文件上启动。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The store file {path} cannot be read. Check the file and its permissions.</source>
        <translation>无法读取存储文件 {path}。请检查该文件及其权限。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The store file {path} is damaged or is not a pos-member store. Restore it from a backup.</source>
        <translation>存储文件 {path} 已损坏或不是 pos-member 的存储文件。请从备份恢复。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This store is not set up yet.</source>
        <translation>本店尚未设置。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This store has no loyalty rules yet.</source>
        <translation>本店还没有会员规则。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The store file was written by a newer version of this app; update the app first.</source>
        <translation>门店数据文件由更新版本的程序写入，请先升级本程序。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The disk holding {path} is full, so nothing was saved. Free some space and try again.</source>
        <translation>{path} 所在的磁盘已满，没有保存任何内容。请腾出空间后再试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{path} cannot be written, so nothing was saved. Check that the file and its folder are writable.</source>
        <translation>{path} 无法写入，没有保存任何内容。请检查该文件及其文件夹是否可写。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ&apos;s database was written by a newer version of pos-hq; update pos-hq first.</source>
        <translation>总部数据库由更新版本的 pos-hq 写入；请先升级 pos-hq。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot read {path}: {detail}</source>
        <translation>无法读取 {path}：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These rules are the ones in force already.</source>
        <translation>这些规则已经在生效中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{field}: dates are written YYYY-MM-DD.</source>
        <translation>{field}：日期格式为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: the end must be after the start.</source>
        <translation>{field}：结束日期须晚于开始日期。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{text}&apos; must look like CATEGORY=YUAN, such as food=12.50.</source>
        <translation>“{text}”的格式须为 品类=金额，例如 food=12.50。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{text}&apos; must look like N or N=YUAN, such as 2 or 2=10.50.</source>
        <translation>“{text}”的格式须为 行号 或 行号=金额，例如 2 或 2=10.50。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give either an amount or lines, not both.</source>
        <translation>金额和明细行只能二选一。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be a table.</source>
        <translation>规则 {field}：必须是一个表。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be a whole number, not {value}.</source>
        <translation>规则 {field}：必须是整数，而不是 {value}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be between {low} and {high}, not {value}.</source>
        <translation>规则 {field}：须在 {low} 到 {high} 之间，而不是 {value}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be a non-empty text.</source>
        <translation>规则 {field}：不能为空文本。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be one of {choices}, not {value}.</source>
        <translation>规则 {field}：只能是 {choices} 之一，而不是 {value}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be a list.</source>
        <translation>规则 {field}：必须是列表。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: not a known key (a typo?).</source>
        <translation>规则 {field}：未知的键（是否拼错了？）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be a date YYYY-MM-DD, not {value}.</source>
        <translation>规则 {field}：须为 YYYY-MM-DD 格式的日期，而不是 {value}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: weekdays are 1 (Monday) to 7.</source>
        <translation>规则 {field}：星期须为 1（星期一）到 7。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: only &apos;down&apos; is supported.</source>
        <translation>规则 {field}：只支持“down”（向下取整）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules: at least one tier is needed.</source>
        <translation>规则：至少需要一个会员等级。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules: the first tier must start at 0.</source>
        <translation>规则：第一个等级的门槛必须为 0。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be above the previous tier&apos;s {threshold}.</source>
        <translation>规则 {field}：须高于上一等级的 {threshold}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules: tier codes must be unique.</source>
        <translation>规则：等级代码不能重复。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: coupon codes are 1-24 of a-z, 0-9, _.</source>
        <translation>规则 {field}：优惠券代码须为 1 到 24 个 a-z、0-9 或 _ 字符。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: names an unknown tier &apos;{tier}&apos;.</source>
        <translation>规则 {field}：引用了未知等级“{tier}”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules: a &apos;standard&apos; card type is needed.</source>
        <translation>规则：必须定义“standard”卡类型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must divide 100 or be a multiple of 100.</source>
        <translation>规则 {field}：须能整除 100 或为 100 的倍数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: must be at least 1 for this policy.</source>
        <translation>规则 {field}：此过期策略下至少为 1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: names an unknown coupon &apos;{template}&apos;.</source>
        <translation>规则 {field}：引用了未知优惠券“{template}”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The rules file is not valid TOML: {detail}</source>
        <translation>规则文件不是有效的 TOML：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: is missing.</source>
        <translation>规则 {field}：缺少此项。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: not a known key; did you mean &apos;{key}&apos;?</source>
        <translation>规则 {field}：未知的键，是否应为“{key}”？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules {field}: &apos;{value}&apos; is not a language the till ships.</source>
        <translation>规则 {field}：收银台不支持语言“{value}”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync with HQ failed: {why}</source>
        <translation>与总部同步失败：{why}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ cannot be reached ({error}).</source>
        <translation>无法连接总部（{error}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ refused this till&apos;s token (revoked?); enrol the till again with a new code.</source>
        <translation>总部拒绝了本收银台的令牌（可能已被吊销），请用新的注册码重新注册本收银台。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HQ refused ({status}): {detail}</source>
        <translation>总部拒绝（{status}）：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ had a problem ({status}); the till will try again.</source>
        <translation>总部出现问题（{status}），收银台稍后会重试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ could not read this till&apos;s request ({status}): {detail}</source>
        <translation>总部无法读取本收银台的请求（{status}）：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ sent a reply the till cannot read; it will try again.</source>
        <translation>总部的回复无法读取，收银台稍后会重试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ did not take this till&apos;s entries; the till will try again.</source>
        <translation>总部没有接收本收银台的记录，收银台稍后会重试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till is not enrolled with HQ.</source>
        <translation>本收银台尚未在总部注册。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another sync of this till is running.</source>
        <translation>本收银台正在进行另一次同步。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The till could not finish the sync ({error}); details are in the log.</source>
        <translation>收银机未能完成同步（{error}）；详情见日志。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Member number {member_no} belongs to another member.</source>
        <translation>会员号 {member_no} 属于另一位会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member&apos;s number is {held}; it never changes.</source>
        <translation>该会员的会员号是 {held}，会员号不可更改。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} belongs to another member.</source>
        <translation>卡 {card} 属于另一位会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Till number {device_no} of store {store} is in use by a live till; HQ must revoke that till first.</source>
        <translation>门店 {store} 的收银机号 {device_no} 正被一台在用的收银机使用；总部须先注销那台收银机。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This till is already enrolled with HQ; HQ must revoke it before it can enrol again.</source>
        <translation>这台收银机已在总部登记；须由总部先注销，才能重新登记。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{number} is held here by another member.</source>
        <translation>本机上 {number} 已属于另一位会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its member is not known at this till.</source>
        <translation>本机上没有它所属的会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till could not apply it ({error}).</source>
        <translation>本机无法应用这一条（{error}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: must be {expected}.</source>
        <translation>{field}：须为 {expected}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: &apos;{text}&apos; is not a UUID.</source>
        <translation>{field}：“{text}”不是 UUID。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A till writes no {kind} entries on account {account}.</source>
        <translation>收银机不会在账户 {account} 上记 {kind} 分录。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A {kind} entry must be {sign}.</source>
        <translation>{kind} 分录的金额须为 {sign}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{amount} is above the till&apos;s limit of {limit} for one {kind} entry.</source>
        <translation>{amount} 超过收银机单笔 {kind} 分录的上限 {limit}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A {kind} entry needs the id of its sale.</source>
        <translation>{kind} 分录须带有其销售单号。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: &apos;{text}&apos; is not a time with its zone between {low} and {high}.</source>
        <translation>{field}：“{text}”不是带时区、介于 {low} 与 {high} 之间的时间。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rules version {version} is not one HQ knows.</source>
        <translation>总部不认识规则版本 {version}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The text is not valid UTF-8.</source>
        <translation>文本不是有效的 UTF-8。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ does not know member {member}.</source>
        <translation>总部没有会员 {member}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ already holds another entry here: {what}.</source>
        <translation>总部在此已有另一条分录：{what}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field} of member {member} never changes.</source>
        <translation>会员 {member} 的 {field} 不能更改。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only the member&apos;s home store {store} or HQ may anonymise them.</source>
        <translation>只有会员的开卡门店 {store} 或总部可以匿名化该会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only HQ merges members.</source>
        <translation>只有总部可以合并会员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ could not store this {what}; HQ&apos;s log says why.</source>
        <translation>总部无法保存此{what}；原因见总部日志。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale {sale} was recorded by another till or for another member.</source>
        <translation>销售单 {sale} 由另一台收银机或为另一位会员记录。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale {sale} was made at another till and HQ cannot be reached to check it and its refunds: refund it at its own till, or when HQ answers again.</source>
        <translation>销售 {sale} 是在其他收银台完成的，目前无法连接总部核对该销售及其退款：请在原收银台退款，或待总部恢复连接后再退。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale {sale} changed at HQ while this refund was prepared; try again.</source>
        <translation>准备退款期间总部的销售 {sale} 已有变化，请重试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The figures of this {what} do not add up: {detail}.</source>
        <translation>此{what}的金额对不上：{detail}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ already holds {what} {key} with other figures.</source>
        <translation>总部已有{what} {key}，但金额不同。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ does not know sale {sale}.</source>
        <translation>总部没有销售 {sale}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused: {text}</source>
        <translation>已拒绝：{text}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Bill amount</source>
        <translation>账单金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mobile phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager PIN</source>
        <translation>店长密码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member code</source>
        <translation>会员码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Line</source>
        <translation>明细行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card type</source>
        <translation>卡类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale</source>
        <translation>销售单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Store name</source>
        <translation>门店名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store code</source>
        <translation>门店代码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Till number</source>
        <translation>收银台编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier</source>
        <translation>会员等级</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Birthday month</source>
        <translation>生日月份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days without a purchase</source>
        <translation>未消费天数</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>reported lost</source>
        <translation>已挂失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>replaced</source>
        <translation>已换卡</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The last sync failed; details are in the log.</source>
        <translation>上次同步失败；详情见日志。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>applied: {0}</source>
        <translation>可用：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not applied: {0}</source>
        <translation>不可用：{0}</translation>
    </message>
    <message>
        <location line="-210"/>
        <location line="+2"/>
        <source>This is not a coupon code (10 letters and digits).</source>
        <translation>这不是优惠券码（10 位字母和数字）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No such coupon in this store.</source>
        <translation>本店没有这张优惠券。</translation>
    </message>
    <message>
        <location line="-15"/>
        <location line="+1"/>
        <location line="+1"/>
        <source>No member or card matches this code.</source>
        <translation>没有与此号码匹配的会员或卡。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Wrong manager PIN.</source>
        <translation>店长密码错误。</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>此操作需要店长密码。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>This store is enrolled with HQ, so its rules come from HQ (version {version} is in force). HQ can allow this store rules of its own.</source>
        <translation>本店已加入总部，规则由总部下发（当前生效的是第 {version} 版）。如需使用本店自己的规则，请总部为本店开通。</translation>
    </message>
</context>
<context>
    <name>SalePanel</name>
    <message>
        <location filename="../../pos_member/ui/sale_panel.py" line="+108"/>
        <source>Bill and payment</source>
        <translation>账单与支付</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Bill amount (¥) [F3]</source>
        <translation>账单金额（¥） [F3]</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Category line [F4]</source>
        <translation>分类明细 [F4]</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Points to use [F5]</source>
        <translation>使用积分 [F5]</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stored value (¥) [F6]</source>
        <translation>使用储值（¥） [F6]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon [F8]</source>
        <translation>优惠券 [F8]</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Points ¥</source>
        <translation>积分抵扣</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored ¥</source>
        <translation>储值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Earns</source>
        <translation>得积分</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Bill</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier discount</source>
        <translation>等级折扣</translation>
    </message>
    <message>
        <location line="+210"/>
        <source>authorised by HQ</source>
        <translation>总部授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>offline limit</source>
        <translation>离线限额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quote · {0}</source>
        <translation>结算明细 · {0}</translation>
    </message>
    <message>
        <location line="-212"/>
        <source>Points used</source>
        <translation>积分抵扣</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Stored value</source>
        <translation>储值支付</translation>
    </message>
    <message>
        <location line="-76"/>
        <source>Category line amount (¥)</source>
        <translation>分类明细金额（¥）</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Points earned</source>
        <translation>获得积分</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>To pay</source>
        <translation>应付</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+192"/>
        <source>Quote</source>
        <translation>结算明细</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>balance ¥ {0}</source>
        <translation>余额 ¥ {0}</translation>
    </message>
    <message>
        <location line="-76"/>
        <location line="+87"/>
        <source>max {0}</source>
        <translation>最多 {0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>{0} pts = − ¥ {1}</source>
        <translation>{0} 分 = − ¥ {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>+{0} pts</source>
        <translation>+{0} 分</translation>
    </message>
</context>
<context>
    <name>SalesList</name>
    <message>
        <location filename="../../pos_member/ui/sales_list.py" line="+20"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Refunded ¥ {0} of ¥ {1}</source>
        <translation>已退款 ¥ {0}（共 ¥ {1}）</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Total</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>ScannerThread</name>
    <message>
        <location filename="../../pos_member/ui/scanner_worker.py" line="+78"/>
        <location line="+34"/>
        <source>no camera is set up</source>
        <translation>未设置摄像头</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>the camera could not be opened ({0})</source>
        <translation>摄像头无法打开（{0}）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the video source ended</source>
        <translation>视频源已结束</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the camera stopped sending pictures; details are in the log</source>
        <translation>摄像头已停止传送画面；详情见日志</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no camera at index {0}</source>
        <translation>编号 {0} 处没有摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the video stream {0} could not be opened</source>
        <translation>无法打开视频流 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the file {0} was not found</source>
        <translation>找不到文件 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the file {0} could not be read as video or image</source>
        <translation>文件 {0} 无法作为视频或图片读取</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the camera could not be opened</source>
        <translation>无法打开摄像头</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../../pos_member/ui/signin_page.py" line="+30"/>
        <source>Demo store: for trying the till, not for real sales.</source>
        <translation>演示店：仅供试用收银台，不可用于真实销售。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Staff PIN</source>
        <translation>员工 PIN 码</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The demo store could not be built: {0}</source>
        <translation>无法建立演示店：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Demo store — Till — pos-member</source>
        <translation>演示店 — 收银台 — pos-member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Till — pos-member</source>
        <translation>收银台 — pos-member</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>Wrong PIN. %n more wrong PIN(s) and sign-in waits.</source>
        <translation>
            <numerusform>PIN 码错误。再错 %n 次，登录将暂停。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wrong PIN.</source>
        <translation>PIN 码错误。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>You can try again now.</source>
        <translation>现在可以重试了。</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Too many wrong PINs. Try again in %n second(s).</source>
        <translation>
            <numerusform>PIN 码错误次数过多。请在 %n 秒后重试。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../pos_member/ui/sync_panel.py" line="+48"/>
        <source>HQ sync</source>
        <translation>总部同步</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting to send</source>
        <translation>待发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last success</source>
        <translation>上次成功</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last attempt</source>
        <translation>上次尝试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last error</source>
        <translation>上次错误</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Quarantined by HQ</source>
        <translation>总部隔离的条目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set aside from HQ</source>
        <translation>总部数据暂存未应用</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>HQ is not set up for this till: nothing to sync. Enrol it with `pos-member enrol URL CODE`.</source>
        <translation>本收银台尚未设置总部：没有可同步的内容。请用 `pos-member enrol URL CODE` 登记。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sync worker is not running in this session.</source>
        <translation>本次运行中同步程序未启动。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Syncing with HQ now; this panel shows the outcome.</source>
        <translation>正在与总部同步；结果将显示在此面板。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>HQ sync not set up</source>
        <translation>未设置总部同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not set up: enrol this till with `pos-member enrol URL CODE`</source>
        <translation>未设置：请用 `pos-member enrol URL CODE` 登记本收银台</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} ledger entries, {1} other records (members, cards, sales, coupons)</source>
        <translation>{0} 条流水，{1} 条其他记录（会员、卡、销售、优惠券）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>card</source>
        <translation>卡</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ledger entry</source>
        <translation>账目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>#{0} {1} {2}: {3}</source>
        <translation>#{0} {1} {2}：{3}</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Rules in force</source>
        <translation>生效规则</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>version {0}: HQ&apos;s rules (HQ version {1})</source>
        <translation>第 {0} 版：总部规则（总部第 {1} 版）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>version {0}: this store&apos;s own rules</source>
        <translation>第 {0} 版：本店自己的规则</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>version {0}: this store&apos;s own rules (allowed by HQ)</source>
        <translation>第 {0} 版：本店自己的规则（总部已允许）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>version {0}: this store&apos;s own rules, until HQ&apos;s rules arrive</source>
        <translation>第 {0} 版：本店自己的规则，待总部规则下发后替换</translation>
    </message>
</context>
<context>
    <name>TillActions</name>
    <message>
        <location filename="../../pos_member/ui/actions.py" line="+73"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>此操作需要店长 PIN 码。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Scan or type the member&apos;s code first.</source>
        <translation>请先扫描或输入会员码。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Type or scan the receipt number of the sale to refund: a sale of any till of the chain can be refunded while HQ answers.</source>
        <translation>请输入或扫描要退款销售的小票号：总部连通时，可退连锁内任一收银台的销售。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refund the sale to {0} of ¥ {1} ({2}); ¥ {3} can still be refunded.</source>
        <translation>为 {0} 退款：原单 ¥ {1}（{2}），还可退 ¥ {3}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>For another sale, type its receipt number.</source>
        <translation>退其他销售，请输入其小票号。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt no.</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>empty = the sale above</source>
        <translation>留空 = 上面的销售</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount (¥)</source>
        <translation>退款金额（¥）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>empty = all that is left</source>
        <translation>留空 = 全部剩余</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Type the receipt number of the sale.</source>
        <translation>请输入该销售的小票号。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Refunded ¥ {0}: ¥ {1} back in cash, {2} points reversed, approved by {3}.</source>
        <translation>已退款 ¥ {0}：退现金 ¥ {1}，冲回 {2} 积分，批准人 {3}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mobile phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday (YYYY-MM-DD, optional)</source>
        <translation>生日（YYYY-MM-DD，选填）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card type</source>
        <translation>卡类型</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Register a member</source>
        <translation>新会员注册</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A card is issued at once; print its QR next.</source>
        <translation>注册后立即发卡，随后打印二维码。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Card or member code</source>
        <translation>卡号或会员码</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Report card lost</source>
        <translation>挂失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The card is refused everywhere at once.</source>
        <translation>挂失后该卡在所有门店立即失效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {0} is now reported lost.</source>
        <translation>卡 {0} 已挂失。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Replace card</source>
        <translation>换卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A new card number keeps the balances; the old card is refused from now on.</source>
        <translation>新卡号保留全部余额；旧卡从现在起失效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New card {0} issued; print its QR.</source>
        <translation>已发新卡 {0}，请打印二维码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Freeze card</source>
        <translation>冻结卡</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card {0} is frozen.</source>
        <translation>卡 {0} 已冻结。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unfreeze card</source>
        <translation>解冻卡</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card {0} works again.</source>
        <translation>卡 {0} 已解冻。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Print the card&apos;s QR</source>
        <translation>打印会员卡二维码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Printing a member&apos;s card needs a manager.</source>
        <translation>打印会员卡需要店长批准。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Paid (¥)</source>
        <translation>充值金额（¥）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Top up stored value</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Top up for {0}; bonus steps apply.</source>
        <translation>为 {0} 充值；按档位赠送。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Topped up ¥ {0} + bonus ¥ {1}; stored value now ¥ {2}.</source>
        <translation>已充值 ¥ {0}，赠送 ¥ {1}；储值余额 ¥ {2}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Points (+ adds, − removes)</source>
        <translation>积分（+ 增加，− 扣减）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Points adjusted; the balance is now {0}.</source>
        <translation>积分已调整，当前余额 {0}。</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+7"/>
        <source>No receipt yet: confirm a sale first.</source>
        <translation>还没有小票：请先确认一笔销售。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The receipt could not be saved in {0}.</source>
        <translation>无法将小票保存到 {0}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receipt saved: {0}</source>
        <translation>小票已保存：{0}</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The settings need a manager.</source>
        <translation>修改设置需要店长批准。</translation>
    </message>
</context>
<context>
    <name>TillStatusBar</name>
    <message>
        <location filename="../../pos_member/ui/status_bar.py" line="+29"/>
        <source>camera starting</source>
        <translation>摄像头启动中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in: {0} ({1})</source>
        <translation>已登录：{0}（{1}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ sync not set up</source>
        <translation>未设置总部同步</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>pending sync: {0}</source>
        <translation>待同步：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>last sync: {0}</source>
        <translation>上次同步：{0}</translation>
    </message>
</context>
<context>
    <name>TillWindow</name>
    <message>
        <location filename="../../pos_member/ui/window.py" line="+82"/>
        <source>Till — pos-member</source>
        <translation>收银台 — pos-member</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Scan, or type a code and Enter</source>
        <translation>扫码，或输入会员码后回车</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Confirm sale  [F12]</source>
        <translation>确认结账  [F12]</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The receipt of the last sale shows here.</source>
        <translation>最近一笔销售的小票显示在这里。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Member code  [F2]</source>
        <translation>会员码  [F2]</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sales  [F7; Ctrl+R refund]</source>
        <translation>最近销售  [F7；Ctrl+R 退款]</translation>
    </message>
    <message>
        <location filename="../../pos_member/ui/shortcuts.py" line="+21"/>
        <source>This help</source>
        <translation>本帮助</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member code (scan or type, Enter)</source>
        <translation>会员码（扫码或输入，回车）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bill amount</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category line (Enter adds, Del removes)</source>
        <translation>分类明细（回车添加，Del 删除）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points to use</source>
        <translation>使用积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the most points allowed</source>
        <translation>使用最多可用积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored value to use</source>
        <translation>使用储值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay the rest with stored value</source>
        <translation>剩余金额用储值支付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon (pick, type or scan)</source>
        <translation>优惠券（选择、输入或扫码）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm the sale (Enter on the last field too)</source>
        <translation>确认结账（在最后一栏按回车也可）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear: next customer</source>
        <translation>清空：下一位顾客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print the receipt</source>
        <translation>打印小票</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the receipt as PDF</source>
        <translation>小票保存为 PDF</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last sales</source>
        <translation>最近销售</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund the selected sale (manager)</source>
        <translation>退款所选销售（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Register a member (manager)</source>
        <translation>新会员注册（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top up stored value (manager)</source>
        <translation>储值充值（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adjust points (manager)</source>
        <translation>调整积分（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report card lost (manager)</source>
        <translation>挂失（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replace card, print new QR (manager)</source>
        <translation>换卡并打印新二维码（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Freeze card (manager)</source>
        <translation>冻结卡（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unfreeze card (manager)</source>
        <translation>解冻卡（店长）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print the card&apos;s QR</source>
        <translation>打印会员卡二维码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ sync: pending, last error, quarantined; sync now</source>
        <translation>总部同步：待发送、上次错误、隔离条目；立即同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../pos_member/ui/window.py" line="-3"/>
        <source>Receipt  [Ctrl+P, Ctrl+S]</source>
        <translation>小票  [Ctrl+P 打印，Ctrl+S PDF]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+P prints the receipt; Ctrl+S saves it as PDF</source>
        <translation>Ctrl+P 打印小票；Ctrl+S 存为 PDF</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Demo store: cashier PIN {0}, manager PIN {1}</source>
        <translation>演示店：收银员 PIN {0}，店长 PIN {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>First start: preparing the demo store…</source>
        <translation>首次启动：正在准备演示店…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Member {0}: {1}</source>
        <translation>会员 {0}：{1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The bill typed before the scan is kept.</source>
        <translation>扫码前输入的账单金额已保留。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Scan the member&apos;s card first, then the coupon.</source>
        <translation>请先扫会员卡，再扫优惠券。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Coupon read: see the quote.</source>
        <translation>已读取优惠券：请看报价。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Read ✓</source>
        <translation>已读取 ✓</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Scan or type the member&apos;s code first.</source>
        <translation>请先扫描或输入会员码。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Type the bill amount first.</source>
        <translation>请先输入消费金额。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sale recorded: pay ¥ {0}, {1} points earned.</source>
        <translation>销售已记录：应付 ¥ {0}，获得 {1} 积分。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Camera: {0}</source>
        <translation>摄像头：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>camera on</source>
        <translation>摄像头已开启</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>capture {0:.0f} fps, decode {1:.0f} fps, {2} frames dropped</source>
        <translation>采集 {0:.0f} 帧/秒，解码 {1:.0f} 帧/秒，丢弃 {2} 帧</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no camera</source>
        <translation>无摄像头</translation>
    </message>
</context>
</TS>
