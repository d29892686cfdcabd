<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AssessmentDialog</name>
    <message>
        <source>Record assessment</source>
        <translation>记录风险测评</translation>
    </message>
    <message>
        <source>Knock-out answer: lowest risk-tolerance category</source>
        <translation>否决性答案：风险承受能力最低类别</translation>
    </message>
    <message>
        <source>Client:</source>
        <translation>客户：</translation>
    </message>
    <message>
        <source>Risk profile:</source>
        <translation>风险承受能力：</translation>
    </message>
    <message>
        <source>Assessed on:</source>
        <translation>测评日期：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>Audit verification</source>
        <translation>审计校验</translation>
    </message>
    <message>
        <source>The audit trail is intact.</source>
        <translation>审计记录完整，未被篡改。</translation>
    </message>
    <message>
        <source>{n} entries and {c} signed checkpoints verified.</source>
        <translation>已校验 {n} 条记录和 {c} 个签名检查点。</translation>
    </message>
    <message>
        <source>The audit trail FAILED verification at entry {n}.</source>
        <translation>审计记录校验失败：第 {n} 条记录有问题。</translation>
    </message>
    <message>
        <source>The export is intact.</source>
        <translation>导出文件完整，未被篡改。</translation>
    </message>
    <message>
        <source>{n} entries verified; manifest signature: {sig}.</source>
        <translation>已校验 {n} 条记录；清单签名：{sig}。</translation>
    </message>
    <message>
        <source>The export FAILED verification.</source>
        <translation>导出文件校验失败。</translation>
    </message>
    <message>
        <source>The manifest signature is invalid.</source>
        <translation>清单签名无效。</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <source>any decision</source>
        <translation>全部结论</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>校验链</translation>
    </message>
    <message>
        <source>Verify export file…</source>
        <translation>校验导出文件…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>{n} entries match.</source>
        <translation>共 {n} 条记录符合条件。</translation>
    </message>
    <message>
        <source>Export to verify</source>
        <translation>选择要校验的导出文件</translation>
    </message>
    <message>
        <source>Audit exports (*.csv *.xlsx *.jsonl)</source>
        <translation>审计导出文件 (*.csv *.xlsx *.jsonl)</translation>
    </message>
</context>
<context>
    <name>Classes</name>
    <message>
        <source>ordinary</source>
        <translation>普通投资者</translation>
    </message>
    <message>
        <source>professional</source>
        <translation>专业投资者</translation>
    </message>
    <message>
        <source>professional, treated as ordinary</source>
        <translation>专业投资者（按普通投资者管理）</translation>
    </message>
</context>
<context>
    <name>ClientDialog</name>
    <message>
        <source>Add client</source>
        <translation>新增客户</translation>
    </message>
    <message>
        <source>not assessed yet</source>
        <translation>尚未测评</translation>
    </message>
    <message>
        <source>Lowest risk-tolerance category</source>
        <translation>风险承受能力最低类别</translation>
    </message>
    <message>
        <source>Needs special attention</source>
        <translation>需特别关注</translation>
    </message>
    <message>
        <source>Account:</source>
        <translation>资金账号：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>ID number:</source>
        <translation>身份证号：</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>投资者类别：</translation>
    </message>
    <message>
        <source>Risk profile:</source>
        <translation>风险承受能力：</translation>
    </message>
    <message>
        <source>Assessed on:</source>
        <translation>测评日期：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
</context>
<context>
    <name>ClientEditDialog</name>
    <message>
        <source>Edit client</source>
        <translation>编辑客户</translation>
    </message>
    <message>
        <source>Lowest risk-tolerance category</source>
        <translation>风险承受能力最低类别</translation>
    </message>
    <message>
        <source>Needs special attention</source>
        <translation>需特别关注</translation>
    </message>
    <message>
        <source>Why (kept with the change)</source>
        <translation>原因（与修改一并保存）</translation>
    </message>
    <message>
        <source>Account:</source>
        <translation>资金账号：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>投资者类别：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Account</source>
        <translation>资金账号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>风险承受能力</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>测评状态</translation>
    </message>
    <message>
        <source>Assessed on</source>
        <translation>测评日期</translation>
    </message>
    <message>
        <source>For client</source>
        <translation>对该客户</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Publisher</source>
        <translation>发布机构</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评级</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Time (local)</source>
        <translation>时间（本地）</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>研报</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Entry hash</source>
        <translation>记录哈希</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <source>No decision yet</source>
        <translation>尚无结论</translation>
    </message>
    <message>
        <source>Select a client and a report to see whether the client may read it.</source>
        <translation>请选择客户和研报，查看该客户能否阅读。</translation>
    </message>
    <message>
        <source>{client} — {report}</source>
        <translation>{client} — {report}</translation>
    </message>
    <message>
        <source>Client: {profile} · Report: {level} · Assessment: {state} · Policy v{version}</source>
        <translation>客户：{profile} · 研报：{level} · 测评：{state} · 政策版本 v{version}</translation>
    </message>
    <message>
        <source>Client: {profile} · Report: {level} · Policy v{version}</source>
        <translation>客户：{profile} · 研报：{level} · 政策版本 v{version}</translation>
    </message>
    <message>
        <source>Recorded as audit entry {n} · {hash}</source>
        <translation>已记入审计第 {n} 条 · {hash}</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <source>Store checked: every page is sound ({seconds} s).</source>
        <translation>数据库检查完毕：所有页面完好（{seconds} 秒）。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The translation could not be loaded.</source>
        <translation>无法加载翻译文件。</translation>
    </message>
    <message>
        <source>Your role may not do this.</source>
        <translation>您的角色无权执行此操作。</translation>
    </message>
    <message>
        <source>Login failed.</source>
        <translation>登录失败。</translation>
    </message>
    <message>
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <source>Please check the input.</source>
        <translation>请检查输入内容。</translation>
    </message>
    <message>
        <source>This already exists.</source>
        <translation>该记录已存在。</translation>
    </message>
    <message>
        <source>The store cannot be used right now.</source>
        <translation>数据库暂时无法使用。</translation>
    </message>
    <message>
        <source>The store cannot be opened.</source>
        <translation>无法打开数据库。</translation>
    </message>
    <message>
        <source>The action could not be completed.</source>
        <translation>操作未能完成。</translation>
    </message>
    <message>
        <source>Sorry, something went wrong.</source>
        <translation>抱歉，程序出现了问题。</translation>
    </message>
    <message>
        <source>suitcheck</source>
        <translation>适当性核查</translation>
    </message>
    <message>
        <source>The details were written to the log file:
{path}</source>
        <translation>详细信息已写入日志文件：
{path}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>Whole chain (no date range)</source>
        <translation>完整记录链（不限日期）</translation>
    </message>
    <message>
        <source>Full ID numbers (for regulators; compliance only)</source>
        <translation>完整身份证号（报送监管；仅限合规人员）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>起始：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>截止：</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save export as</source>
        <translation>导出文件另存为</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported {n} entries to {file} with its manifest.</source>
        <translation>已导出 {n} 条记录到 {file}，并附清单文件。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>suitcheck — first start</source>
        <translation>适当性核查 — 首次启动</translation>
    </message>
    <message>
        <source>Administrator:</source>
        <translation>管理员：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Repeat password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <source>This store has no accounts yet. Create the administrator, who then adds advisors and compliance staff.
Store: {store}</source>
        <translation>此数据库尚无账号。请创建管理员，再由管理员添加投资顾问和合规人员。
数据库：{store}</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>Import</name>
    <message>
        <source>The PDF is damaged and cannot be read.</source>
        <translation>PDF 文件已损坏，无法读取。</translation>
    </message>
    <message>
        <source>The PDF is encrypted; save an unprotected copy and import that.</source>
        <translation>PDF 已加密；请另存为未加密的副本后再导入。</translation>
    </message>
    <message>
        <source>The PDF has no text layer (a scanned image?); it needs OCR first.</source>
        <translation>PDF 没有文字层（可能是扫描件），需要先进行 OCR 识别。</translation>
    </message>
    <message>
        <source>The file is not a PDF.</source>
        <translation>该文件不是 PDF。</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>文件为空。</translation>
    </message>
    <message>
        <source>The file is larger than 100 MB.</source>
        <translation>文件超过 100 MB。</translation>
    </message>
    <message>
        <source>The file is binary data, not text.</source>
        <translation>该文件是二进制数据，不是文本。</translation>
    </message>
    <message>
        <source>The file is neither UTF-8, GBK nor UTF-16 text.</source>
        <translation>该文件既不是 UTF-8，也不是 GBK 或 UTF-16 文本。</translation>
    </message>
    <message>
        <source>Only .pdf and .txt files can be imported.</source>
        <translation>只能导入 .pdf 和 .txt 文件。</translation>
    </message>
    <message>
        <source>The file cannot be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <source>The file does not exist.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <source>The same file was imported before.</source>
        <translation>相同的文件之前已导入。</translation>
    </message>
    <message>
        <source>No risk level is stated; compliance must rate it before anyone may read it.</source>
        <translation>报告未注明风险等级；须经合规评级后方可阅读。</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>duplicate (already imported)</source>
        <translation>重复（之前已导入）</translation>
    </message>
    <message>
        <source>imported, needs rating</source>
        <translation>已导入，待评级</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import reports</source>
        <translation>导入研报</translation>
    </message>
    <message>
        <source>Choose files…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Reports to import</source>
        <translation>要导入的研报</translation>
    </message>
    <message>
        <source>Reports (*.pdf *.txt)</source>
        <translation>研报 (*.pdf *.txt)</translation>
    </message>
    <message>
        <source>Folder of reports</source>
        <translation>研报所在文件夹</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>{imported} imported, {unrated} need a rating, {dup} duplicates, {failed} failed.</source>
        <translation>已导入 {imported} 份，待评级 {unrated} 份，重复 {dup} 份，失败 {failed} 份。</translation>
    </message>
</context>
<context>
    <name>Levels</name>
    <message>
        <source>unrated</source>
        <translation>未评级</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <source>suitcheck — locked</source>
        <translation>适当性核查 — 已锁定</translation>
    </message>
    <message>
        <source>Switch user…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Locked after inactivity. Enter the password of {user} to continue.</source>
        <translation>长时间未操作，已锁定。请输入 {user} 的密码继续。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>suitcheck — log in</source>
        <translation>适当性核查 — 登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>&lt;h2&gt;suitcheck&lt;/h2&gt;Investor suitability for research reports</source>
        <translation>&lt;h2&gt;适当性核查&lt;/h2&gt;证券研究报告投资者适当性匹配</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo store.&lt;/b&gt; Demo logins:</source>
        <translation>&lt;b&gt;演示数据库。&lt;/b&gt;演示账号：</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>suitcheck — investor suitability</source>
        <translation>适当性核查 — 投资者适当性管理</translation>
    </message>
    <message>
        <source> [DEMO]</source>
        <translation> [演示]</translation>
    </message>
    <message>
        <source>&lt;b&gt;Clients&lt;/b&gt;</source>
        <translation>&lt;b&gt;客户&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Research reports&lt;/b&gt;</source>
        <translation>&lt;b&gt;研究报告&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Account, name or ID number  (Ctrl+L)</source>
        <translation>资金账号、姓名或身份证号  (Ctrl+L)</translation>
    </message>
    <message>
        <source>Find client</source>
        <translation>查找客户</translation>
    </message>
    <message>
        <source>Any word of title, analyst or text — 芯片, AI …  (Ctrl+F)</source>
        <translation>标题、分析师或正文中的任意词 — 如 芯片、AI …  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Find report</source>
        <translation>查找研报</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>风险等级：</translation>
    </message>
    <message>
        <source>Rating:</source>
        <translation>评级：</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Unrated</source>
        <translation>未评级</translation>
    </message>
    <message>
        <source>With findings</source>
        <translation>有合规提示</translation>
    </message>
    <message>
        <source>Publisher:</source>
        <translation>发布机构：</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Research reports</source>
        <translation>研究报告</translation>
    </message>
    <message>
        <source>Selected client</source>
        <translation>所选客户</translation>
    </message>
    <message>
        <source>Check (Enter)</source>
        <translation>核查 (Enter)</translation>
    </message>
    <message>
        <source>Open report (Ctrl+O)</source>
        <translation>打开研报 (Ctrl+O)</translation>
    </message>
    <message>
        <source>Client insists: warning…</source>
        <translation>客户坚持索取：风险警示…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Check and record</source>
        <translation>核查并记录</translation>
    </message>
    <message>
        <source>Open report</source>
        <translation>打开研报</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Switch user…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Compliance</source>
        <translation>合规(&amp;C)</translation>
    </message>
    <message>
        <source>Import reports…</source>
        <translation>导入研报…</translation>
    </message>
    <message>
        <source>Reports needing a rating or with findings…</source>
        <translation>待评级或有合规提示的研报…</translation>
    </message>
    <message>
        <source>Add client…</source>
        <translation>新增客户…</translation>
    </message>
    <message>
        <source>Edit selected client…</source>
        <translation>编辑所选客户…</translation>
    </message>
    <message>
        <source>Record assessment for selected client…</source>
        <translation>为所选客户记录风险测评…</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>审计日志…</translation>
    </message>
    <message>
        <source>Verify audit trail</source>
        <translation>校验审计记录</translation>
    </message>
    <message>
        <source>Staff accounts…</source>
        <translation>员工账号…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Preferences…</source>
        <translation>首选项…</translation>
    </message>
    <message>
        <source>Suitability policy…</source>
        <translation>适当性政策…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About suitcheck</source>
        <translation>关于适当性核查</translation>
    </message>
    <message>
        <source>{user} ({role}) · {store}</source>
        <translation>{user}（{role}）· {store}</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>&lt;i&gt;No client selected.&lt;/i&gt;</source>
        <translation>&lt;i&gt;未选择客户。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Class: {cls} · Profile: {profile}</source>
        <translation>类别：{cls} · 风险承受能力：{profile}</translation>
    </message>
    <message>
        <source>Assessed: {date} · {state} · valid until {until}</source>
        <translation>测评日期：{date} · {state} · 有效期至 {until}</translation>
    </message>
    <message>
        <source>ID number: {number}</source>
        <translation>身份证号：{number}</translation>
    </message>
    <message>
        <source> · age {age}</source>
        <translation> · {age} 岁</translation>
    </message>
    <message>
        <source>Special attention: explain risks with extra care.</source>
        <translation>特别关注：请格外细致地揭示风险。</translation>
    </message>
    <message>
        <source>Lowest risk-tolerance category: R1 only.</source>
        <translation>风险承受能力最低类别：仅限 R1 低风险研报。</translation>
    </message>
    <message>
        <source>{n} reports shown</source>
        <translation>显示 {n} 份研报</translation>
    </message>
    <message>
        <source>Now select the client.</source>
        <translation>请选择客户。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核查…</translation>
    </message>
    <message>
        <source>This report may not be opened for this client.</source>
        <translation>该客户不得阅读此研报。</translation>
    </message>
    <message>
        <source>Select a client first.</source>
        <translation>请先选择客户。</translation>
    </message>
</context>
<context>
    <name>Outcomes</name>
    <message>
        <source>ALLOWED</source>
        <translation>可以阅读</translation>
    </message>
    <message>
        <source>BLOCKED</source>
        <translation>禁止阅读</translation>
    </message>
    <message>
        <source>ONLY AFTER WARNING</source>
        <translation>须经风险警示</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <source>Special risk warning</source>
        <translation>特别风险警示</translation>
    </message>
    <message>
        <source>I told the client that this report does not fit their risk profile.</source>
        <translation>我已告知客户：该研报与其风险承受能力不匹配。</translation>
    </message>
    <message>
        <source>The client read this warning, insists, and confirmed in writing.</source>
        <translation>客户已阅读本警示，坚持索取，并已书面确认。</translation>
    </message>
    <message>
        <source>双录 recording reference, if the branch made one</source>
        <translation>双录编号（如营业部进行了双录）</translation>
    </message>
    <message>
        <source>{client} asks for “{title}” ({level}), above their profile ({profile}). Warning version {version}:</source>
        <translation>{client} 主动要求获取《{title}》（{level}），高于其风险承受能力（{profile}）。警示版本 {version}：</translation>
    </message>
    <message>
        <source>Recording:</source>
        <translation>双录编号：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Record override</source>
        <translation>记录确认</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <source>Suitability policy (version {v})</source>
        <translation>适当性政策（版本 {v}）</translation>
    </message>
    <message>
        <source>Allow client-requested escalation after the special warning</source>
        <translation>允许客户在特别风险警示后主动索取高风险研报</translation>
    </message>
    <message>
        <source>Assessment valid for (days):</source>
        <translation>测评有效期（天）：</translation>
    </message>
    <message>
        <source>Warn before expiry (days):</source>
        <translation>到期前提醒（天）：</translation>
    </message>
    <message>
        <source>Special attention from age:</source>
        <translation>特别关注年龄：</translation>
    </message>
    <message>
        <source>Saving stores a new policy version; past decisions keep the version they used.</source>
        <translation>保存将生成新的政策版本；既往结论保留其所用版本。</translation>
    </message>
    <message>
        <source>Save new version</source>
        <translation>保存为新版本</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Reports needing a rating or with findings</source>
        <translation>待评级或有合规提示的研报</translation>
    </message>
    <message>
        <source>Why (kept with the change)</source>
        <translation>原因（与修改一并保存）</translation>
    </message>
    <message>
        <source>Set level</source>
        <translation>设定风险等级</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>New level:</source>
        <translation>新风险等级：</translation>
    </message>
    <message>
        <source>{n} reports to review.</source>
        <translation>共 {n} 份研报待处理。</translation>
    </message>
    <message>
        <source>Stated: {stated} · suggested from the subject: {suggested} {findings}</source>
        <translation>报告所载：{stated} · 按研究对象建议：{suggested} {findings}</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>The client&apos;s risk profile covers this report&apos;s risk level.</source>
        <translation>客户的风险承受能力覆盖该研报的风险等级。</translation>
    </message>
    <message>
        <source>The report&apos;s risk level is above what the client&apos;s risk profile allows.</source>
        <translation>该研报的风险等级高于客户风险承受能力允许的范围。</translation>
    </message>
    <message>
        <source>Professional investor: not bound by the suitability table.</source>
        <translation>专业投资者：不受适当性匹配表限制。</translation>
    </message>
    <message>
        <source>The report has no risk level yet; compliance must rate it before anyone may read it.</source>
        <translation>该研报尚无风险等级；须经合规评级后方可阅读。</translation>
    </message>
    <message>
        <source>The client has never been assessed; a risk assessment is needed first.</source>
        <translation>客户从未进行风险测评；须先完成测评。</translation>
    </message>
    <message>
        <source>The client&apos;s risk assessment has expired; re-assess the client first.</source>
        <translation>客户的风险测评已过期；须先重新测评。</translation>
    </message>
    <message>
        <source>The assessment date lies in the future; correct the client&apos;s record.</source>
        <translation>测评日期晚于今天；请更正客户记录。</translation>
    </message>
    <message>
        <source>The client&apos;s assessment expires soon; arrange a re-assessment.</source>
        <translation>客户的风险测评即将到期；请安排重新测评。</translation>
    </message>
    <message>
        <source>The client is in the lowest risk-tolerance category: only low-risk (R1) reports, under any procedure.</source>
        <translation>客户属于风险承受能力最低类别：无论何种程序，只能提供低风险（R1）研报。</translation>
    </message>
    <message>
        <source>Only if the client insists after the special risk warning, and confirms it.</source>
        <translation>仅在客户经特别风险警示后仍坚持并确认的情况下提供。</translation>
    </message>
    <message>
        <source>Caution: an older client needs special attention.</source>
        <translation>提示：高龄客户，需特别关注。</translation>
    </message>
    <message>
        <source>Caution: this client is marked for special attention.</source>
        <translation>提示：该客户被标记为需特别关注。</translation>
    </message>
    <message>
        <source>The client&apos;s record was changed outside suitcheck; compliance must investigate before any use.</source>
        <translation>客户记录在 suitcheck 之外被改动；须经合规调查后方可使用。</translation>
    </message>
</context>
<context>
    <name>ReportViewer</name>
    <message>
        <source>{title} — for {client} ({account})</source>
        <translation>{title} — 供 {client}（{account}）阅读</translation>
    </message>
    <message>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>For {client} ({account}) · decision: {outcome} (audit entry {check}) · opened by {staff} (audit entry {n})</source>
        <translation>客户：{client}（{account}）· 判定：{outcome}（审计记录 {check}）· 由 {staff} 打开（审计记录 {n}）</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>advisor</source>
        <translation>投资顾问</translation>
    </message>
    <message>
        <source>compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>Rules</name>
    <message>
        <source>Rule: a {profile} client may use reports up to {max}.</source>
        <translation>规则：{profile}客户可使用风险等级不高于 {max} 的研报。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Lock after idle minutes:</source>
        <translation>空闲多少分钟后锁定：</translation>
    </message>
    <message>
        <source>Store:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>To use another store, start suitcheck with --db or set SUITCHECK_DB.</source>
        <translation>如需使用其他数据库，请以 --db 参数启动或设置 SUITCHECK_DB。</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Staff accounts</source>
        <translation>员工账号</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>新增账号</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Display name:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Initial password:</source>
        <translation>初始密码：</translation>
    </message>
    <message>
        <source>Account:</source>
        <translation>资金账号：</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Account {user} added.</source>
        <translation>已新增账号 {user}。</translation>
    </message>
</context>
<context>
    <name>States</name>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>expiring soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <source>EXPIRED</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>never assessed</source>
        <translation>从未测评</translation>
    </message>
    <message>
        <source>future date (invalid)</source>
        <translation>日期在未来（无效）</translation>
    </message>
    <message>
        <source>no assessment needed (professional)</source>
        <translation>无需测评（专业投资者）</translation>
    </message>
</context>
</TS>
