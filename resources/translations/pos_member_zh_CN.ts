<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Application</name>
    <message>
        <location filename="../../pos_member/ui/application.py" line="+98"/>
        <source>Something went wrong ({0}); the till is still running. Details are in the log.</source>
        <translation>出了点问题（{0}）；收银台仍在运行。详情见日志。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The store file {0} is empty (0 bytes). Restore it from a backup or move it away; the till does not start on it.</source>
        <translation>存储文件 {0} 是空的（0 字节）。请从备份恢复或将其移走；收银台不会在此文件上启动。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The store file {0} cannot be read. Check the file and its permissions.</source>
        <translation>无法读取存储文件 {0}。请检查该文件及其权限。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The store file {0} is damaged or is not a pos-member store. Restore it from a backup.</source>
        <translation>存储文件 {0} 已损坏或不是 pos-member 的存储文件。请从备份恢复。</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <location filename="../../pos_member/ui/camera_view.py" line="+30"/>
        <source>Camera starting…</source>
        <translation>摄像头启动中…</translation>
    </message>
    <message>
        <location line="+21"/>
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
        <location filename="../../pos_member/ui/dialogs.py" line="+138"/>
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
        <source>empty = preview, then PDF or any printer</source>
        <translation>留空 = 先预览，再选 PDF 或任意打印机</translation>
    </message>
    <message>
        <location line="+2"/>
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
    <name>MemberPanel</name>
    <message>
        <location filename="../../pos_member/ui/member_panel.py" line="+33"/>
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
        <location line="+5"/>
        <source>Standard</source>
        <translation>普通</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Silver</source>
        <translation>银卡</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Gold</source>
        <translation>金卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Diamond</source>
        <translation>钻石</translation>
    </message>
    <message>
        <location line="+4"/>
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
    <name>QrDialog</name>
    <message>
        <location filename="../../pos_member/ui/qr_dialog.py" line="+20"/>
        <source>Card QR</source>
        <translation>会员卡二维码</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Print  [Ctrl+P]</source>
        <translation>打印  [Ctrl+P]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save PDF  [Ctrl+S]</source>
        <translation>保存 PDF  [Ctrl+S]</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <location filename="../../pos_member/ui/printing.py" line="+45"/>
        <source>Bill</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tier discount</source>
        <translation>等级折扣</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Coupon {0}</source>
        <translation>优惠券 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points used ({0})</source>
        <translation>积分抵扣（{0}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stored value</source>
        <translation>储值支付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To pay</source>
        <translation>应付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>获得积分</translation>
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
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale</source>
        <translation>单号</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../pos_member/ui/messages.py" line="+28"/>
        <source>Card {0} was reported lost and is refused.</source>
        <translation>卡 {0} 已挂失，拒绝使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {0} was replaced by a newer card and is refused.</source>
        <translation>卡 {0} 已换新卡，旧卡拒绝使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {0} is frozen; a manager can unfreeze it.</source>
        <translation>卡 {0} 已冻结，需店长解冻。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {0} expired on {1}; renew it first.</source>
        <translation>卡 {0} 已于 {1} 过期，请先续卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This QR is from an older print of card {0} and is refused.</source>
        <translation>此二维码是卡 {0} 的旧版本，拒绝使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This QR code&apos;s signature is not valid: forged or from another chain.</source>
        <translation>二维码签名无效：伪造或来自其他连锁。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a member code.</source>
        <translation>这不是会员码。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member was anonymised and cannot be used.</source>
        <translation>该会员已匿名化，不能使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member has no card; issue one first.</source>
        <translation>该会员没有卡，请先发卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This phone code has expired; ask the member to refresh it.</source>
        <translation>手机会员码已过期，请会员刷新。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Bill amount</source>
        <translation>账单金额</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+23"/>
        <source>This is not a coupon code (10 letters and digits).</source>
        <translation>这不是优惠券码（10 位字母和数字）。</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>{0}: type an amount in yuan, such as 128.50.</source>
        <translation>{0}：请输入以元为单位的金额，例如 128.50。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: at most 2 decimal places (0.01 yuan).</source>
        <translation>{0}：最多两位小数（0.01 元）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: type a whole number of points.</source>
        <translation>{0}：积分须为整数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: must not be negative.</source>
        <translation>{0}：不能为负数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: must be greater than 0.</source>
        <translation>{0}：必须大于 0。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: this figure is too large.</source>
        <translation>{0}：数值过大。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: above the store&apos;s limit of ¥ {1}.</source>
        <translation>{0}：超过本店上限 ¥ {1}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: must be a multiple of {1}.</source>
        <translation>{0}：须为 {1} 的倍数。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No such coupon in this store.</source>
        <translation>本店没有这张优惠券。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This coupon cannot be used on this sale: {0}</source>
        <translation>这张优惠券不能用于本单：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No member or card matches this code.</source>
        <translation>没有与此号码匹配的会员或卡。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrong manager PIN.</source>
        <translation>店长密码错误。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>此操作需要店长密码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At most {0} points on this bill.</source>
        <translation>本单最多可用 {0} 积分。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The member has only {0} points.</source>
        <translation>会员只有 {0} 积分。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At least {0} points at a time.</source>
        <translation>每次至少使用 {0} 积分。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The member has only ¥ {0} stored value.</source>
        <translation>会员储值余额只有 ¥ {0}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stored value is more than the ¥ {0} left to pay.</source>
        <translation>储值超过了待付的 ¥ {0}。</translation>
    </message>
</context>
<context>
    <name>SalePanel</name>
    <message>
        <location filename="../../pos_member/ui/sale_panel.py" line="+97"/>
        <source>Bill and payment</source>
        <translation>账单与支付</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Amount (¥) [F3]</source>
        <translation>金额（¥） [F3]</translation>
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
        <location line="+4"/>
        <source>Coupon [F8]</source>
        <translation>优惠券 [F8]</translation>
    </message>
    <message>
        <location line="+2"/>
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
        <location line="+2"/>
        <source>Bill</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tier discount</source>
        <translation>等级折扣</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points used</source>
        <translation>积分抵扣</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored value</source>
        <translation>储值支付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>获得积分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To pay</source>
        <translation>应付</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Quote</source>
        <translation>结算明细</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>balance ¥ {0}</source>
        <translation>余额 ¥ {0}</translation>
    </message>
    <message>
        <location line="+5"/>
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
        <location filename="../../pos_member/ui/sales_list.py" line="+18"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
</context>
<context>
    <name>ScannerThread</name>
    <message>
        <location filename="../../pos_member/ui/scanner_worker.py" line="+77"/>
        <source>no camera is set up</source>
        <translation>未设置摄像头</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the camera could not be opened ({0})</source>
        <translation>摄像头无法打开（{0}）</translation>
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
        <location filename="../../pos_member/ui/sync_panel.py" line="+35"/>
        <source>HQ sync</source>
        <translation>总部同步</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <location line="+0"/>
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
        <location line="+9"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>not set up: enrol this till with `pos-member enrol URL CODE`</source>
        <translation>未设置：请用 `pos-member enrol URL CODE` 登记本收银台</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} ledger entries, {1} member/card changes</source>
        <translation>{0} 条流水，{1} 条会员/卡变更</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>TillActions</name>
    <message>
        <location filename="../../pos_member/ui/actions.py" line="+65"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>此操作需要店长 PIN 码。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Scan or type the member&apos;s code first.</source>
        <translation>请先扫描或输入会员码。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>There is no sale to refund yet.</source>
        <translation>暂无可退款的销售。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refund the sale to {0} of ¥ {1} ({2}); ¥ {3} can still be refunded.</source>
        <translation>为 {0} 退款：原单 ¥ {1}（{2}），还可退 ¥ {3}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Amount (¥), empty = all that is left</source>
        <translation>金额（¥），留空 = 全部剩余</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refunded ¥ {0}: ¥ {1} back in cash, {2} points reversed, approved by {3}.</source>
        <translation>已退款 ¥ {0}：退现金 ¥ {1}，冲回 {2} 积分，批准人 {3}。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Standard</source>
        <translation>普通</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Annual</source>
        <translation>年卡</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="+15"/>
        <source>Card or member code</source>
        <translation>卡号或会员码</translation>
    </message>
    <message>
        <location line="+19"/>
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
        <location line="+8"/>
        <source>Points (+ adds, − removes)</source>
        <translation>积分（+ 增加，− 扣减）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Points adjusted; the balance is now {0}.</source>
        <translation>积分已调整，当前余额 {0}。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+7"/>
        <source>No receipt yet: confirm a sale first.</source>
        <translation>还没有小票：请先确认一笔销售。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The receipt could not be saved: {0}</source>
        <translation>小票无法保存：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receipt saved: {0}</source>
        <translation>小票已保存：{0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Syncing with HQ now.</source>
        <translation>正在与总部同步。</translation>
    </message>
    <message>
        <location line="+16"/>
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
        <location filename="../../pos_member/ui/window.py" line="+81"/>
        <source>Till — pos-member</source>
        <translation>收银台 — pos-member</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Scan, or type a code and Enter</source>
        <translation>扫码，或输入会员码后回车</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Confirm sale  [F12]</source>
        <translation>确认结账  [F12]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The receipt of the last sale shows here.</source>
        <translation>最近一笔销售的小票显示在这里。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Member code  [F2]</source>
        <translation>会员码  [F2]</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Receipt  [Ctrl+P print, Ctrl+S PDF]</source>
        <translation>小票  [Ctrl+P 打印，Ctrl+S PDF]</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last sales  [F7; Ctrl+R refund]</source>
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
        <location filename="../../pos_member/ui/window.py" line="+35"/>
        <source>Demo store: cashier PIN {0}, manager PIN {1}</source>
        <translation>演示店：收银员 PIN {0}，店长 PIN {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>First start: preparing the demo store…</source>
        <translation>首次启动：正在准备演示店…</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Member {0}: {1}</source>
        <translation>会员 {0}：{1}</translation>
    </message>
    <message>
        <location line="+21"/>
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
        <location line="+54"/>
        <source>Scan or type the member&apos;s code first.</source>
        <translation>请先扫描或输入会员码。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Type the bill amount first.</source>
        <translation>请先输入消费金额。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Sale recorded: pay ¥ {0}, {1} points earned.</source>
        <translation>销售已记录：应付 ¥ {0}，获得 {1} 积分。</translation>
    </message>
    <message>
        <location line="+45"/>
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
