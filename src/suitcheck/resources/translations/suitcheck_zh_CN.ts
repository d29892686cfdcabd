<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountStates</name>
    <message>
        <source>active</source>
        <translation>正常</translation>
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
        <source>must change password</source>
        <translation>须修改密码</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>check</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>client searched by ID number</source>
        <translation>按身份证号查找客户</translation>
    </message>
    <message>
        <source>staff account unlocked</source>
        <translation>解锁员工账户</translation>
    </message>
    <message>
        <source>password reset</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>administrator recovered locally</source>
        <translation>本机恢复管理员</translation>
    </message>
    <message>
        <source>demo store created</source>
        <translation>创建演示数据库</translation>
    </message>
    <message>
        <source>report opened</source>
        <translation>打开研报</translation>
    </message>
    <message>
        <source>opening refused</source>
        <translation>拒绝打开</translation>
    </message>
    <message>
        <source>warning override</source>
        <translation>警示后客户坚持获取</translation>
    </message>
    <message>
        <source>login</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>failed login</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <source>account locked</source>
        <translation>账户锁定</translation>
    </message>
    <message>
        <source>password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>staff account added</source>
        <translation>添加员工账户</translation>
    </message>
    <message>
        <source>staff account disabled</source>
        <translation>停用员工账户</translation>
    </message>
    <message>
        <source>staff account enabled</source>
        <translation>启用员工账户</translation>
    </message>
    <message>
        <source>client added</source>
        <translation>添加客户</translation>
    </message>
    <message>
        <source>client edited</source>
        <translation>修改客户</translation>
    </message>
    <message>
        <source>clients imported</source>
        <translation>导入客户</translation>
    </message>
    <message>
        <source>clients exported</source>
        <translation>导出客户</translation>
    </message>
    <message>
        <source>assessment recorded</source>
        <translation>记录测评</translation>
    </message>
    <message>
        <source>re-assessment due</source>
        <translation>需重新测评</translation>
    </message>
    <message>
        <source>questionnaire imported</source>
        <translation>导入问卷</translation>
    </message>
    <message>
        <source>report imported</source>
        <translation>导入研报</translation>
    </message>
    <message>
        <source>report corrected</source>
        <translation>更正研报</translation>
    </message>
    <message>
        <source>report subject re-read</source>
        <translation>研报主题重新识别</translation>
    </message>
    <message>
        <source>risk level set</source>
        <translation>设定风险等级</translation>
    </message>
    <message>
        <source>finding resolved</source>
        <translation>问题已解决</translation>
    </message>
    <message>
        <source>policy changed</source>
        <translation>修改政策</translation>
    </message>
    <message>
        <source>audit export</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>audit trail verified</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <source>recorded decisions replayed</source>
        <translation>重放已记录的决定</translation>
    </message>
    <message>
        <source>refused (no permission)</source>
        <translation>拒绝（无权限）</translation>
    </message>
    <message>
        <source>distribution list</source>
        <translation>生成分发名单</translation>
    </message>
    <message>
        <source>store checked</source>
        <translation>数据库自检</translation>
    </message>
    <message>
        <source>self-inspection report</source>
        <translation>生成自查报告</translation>
    </message>
    <message>
        <source>reminder list</source>
        <translation>生成提醒名单</translation>
    </message>
    <message>
        <source>records sealed</source>
        <translation>记录已加封</translation>
    </message>
    <message>
        <source>audit trail sealed</source>
        <translation>审计记录已封存</translation>
    </message>
    <message>
        <source>installation registered</source>
        <translation>安装已登记</translation>
    </message>
    <message>
        <source>installation trusted at this desk</source>
        <translation>本终端已信任该安装</translation>
    </message>
    <message>
        <source>refused: the computer&apos;s clock is wrong</source>
        <translation>已拒绝：本机时钟有误</translation>
    </message>
    <message>
        <source>clock correction recorded</source>
        <translation>已记录时钟更正</translation>
    </message>
    <message>
        <source>changed record settled</source>
        <translation>被改记录已确认</translation>
    </message>
    <message>
        <source>assessment confirmation sheet</source>
        <translation>风险测评结果确认书</translation>
    </message>
    <message>
        <source>branch added</source>
        <translation>新增营业部</translation>
    </message>
    <message>
        <source>client moved to another branch</source>
        <translation>客户转营业部</translation>
    </message>
    <message>
        <source>client of another branch asked for (refused)</source>
        <translation>查询其他营业部的客户（已拒绝）</translation>
    </message>
    <message>
        <source>client asked for by a branch not found</source>
        <translation>营业部查询的客户不存在</translation>
    </message>
</context>
<context>
    <name>AddStaffDialog</name>
    <message>
        <source>Add staff account</source>
        <translation>新增员工账号</translation>
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
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>新增账号</translation>
    </message>
</context>
<context>
    <name>AssessmentDialog</name>
    <message>
        <source>Record an assessment made elsewhere</source>
        <translation>登记在别处完成的风险测评</translation>
    </message>
    <message>
        <source>Choose the profile…</source>
        <translation>请选择风险承受能力…</translation>
    </message>
    <message>
        <source>Knock-out answer: lowest risk-tolerance category</source>
        <translation>否决性答案：风险承受能力最低类别</translation>
    </message>
    <message>
        <source>e.g. paper questionnaire at the branch counter, or the CRM&apos;s reference</source>
        <translation>例如：营业部柜台纸质问卷，或 CRM 中的编号</translation>
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
        <source>Where it was made (required):</source>
        <translation>测评出处（必填）：</translation>
    </message>
    <message>
        <source>To assess with the questionnaire, use Compliance › Assess selected client with the questionnaire.</source>
        <translation>如需用问卷测评，请使用“合规 › 用风险测评问卷评估所选客户”。</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
</context>
<context>
    <name>AssessmentWizard</name>
    <message>
        <source>Risk-tolerance assessment — {name} ({account})</source>
        <translation>风险承受能力测评 — {name}（{account}）</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>下一题(&amp;N) &gt;</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; 上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Save assessment</source>
        <translation>保存测评结果(&amp;S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>Audit verification</source>
        <translation>审计校验</translation>
    </message>
    <message>
        <source>Verifying the audit trail: every entry is read. On a large store this takes a while.</source>
        <translation>正在校验审计记录：需要逐条读取，记录较多时需要一些时间。</translation>
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
        <source>The audit trail FAILED verification.</source>
        <translation>审计记录校验失败。</translation>
    </message>
    <message>
        <source>The audit trail FAILED verification at entry {n}.</source>
        <translation>审计记录校验失败：第 {n} 条记录有问题。</translation>
    </message>
    <message>
        <source>Verifying the export file: every row is read. A large file takes a while.</source>
        <translation>正在校验导出文件：需要逐行读取，文件较大时需要一些时间。</translation>
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
        <source>any action</source>
        <translation>任意操作</translation>
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
    <name>ChangePasswordDialog</name>
    <message>
        <source>Choose a new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>An administrator reset the password of {user}. Choose your own new password to go on; the temporary one stops working.</source>
        <translation>管理员已重置 {user} 的密码。请设置您自己的新密码后继续；临时密码随即失效。</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <source>Change password and log in</source>
        <translation>修改密码并登录</translation>
    </message>
    <message>
        <source>The two passwords differ; type the same new password twice.</source>
        <translation>两次输入的密码不一致；请输入两次相同的新密码。</translation>
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
        <source>Clients without full civil capacity or who cannot bear any loss. A client under 18 (by the birth date in the ID number) always enters it; compliance lifts it, with a reason, for a 16- or 17-year-old living on their own labour income.</source>
        <translation>不具有完全民事行为能力或不能承受任何损失的客户。未满18周岁的客户（按证件号码中的出生日期）一律归入此类；以自己的劳动收入为主要生活来源的16至17周岁客户，由合规人员说明理由后解除。</translation>
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
    <name>ClientImport</name>
    <message>
        <source>Account number</source>
        <translation>资金账号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Investor class</source>
        <translation>投资者类别</translation>
    </message>
    <message>
        <source>Risk profile</source>
        <translation>风险承受能力</translation>
    </message>
    <message>
        <source>Assessment date</source>
        <translation>测评日期</translation>
    </message>
    <message>
        <source>Lowest category</source>
        <translation>最低类别</translation>
    </message>
    <message>
        <source>Special attention</source>
        <translation>特别关注</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>营业部</translation>
    </message>
    <message>
        <source>is empty</source>
        <translation>为空</translation>
    </message>
    <message>
        <source>is too long</source>
        <translation>过长</translation>
    </message>
    <message>
        <source>holds a full-width or other compatibility form of a character (８ for 8, Ａ for A); use the ordinary half-width form</source>
        <translation>含有全角或其他兼容形式的字符（如用 ８ 代替 8、Ａ 代替 A）；请使用普通半角字符</translation>
    </message>
    <message>
        <source>holds a character that does not show as itself (a control or invisible character, or � (U+FFFD), which stands for text that could not be read)</source>
        <translation>含有无法如实显示的字符（控制字符、不可见字符，或代表无法读取文字的 � (U+FFFD)）</translation>
    </message>
    <message>
        <source>is not a valid ID number</source>
        <translation>不是有效的身份证号码</translation>
    </message>
    <message>
        <source>is a number cell, which loses digits; store ID numbers as text</source>
        <translation>是数字格式单元格，会丢失位数；请以文本格式保存证件号码</translation>
    </message>
    <message>
        <source>is a number cell of more than 15 digits, which a spreadsheet cannot hold; store account numbers as text</source>
        <translation>是超过 15 位的数字格式单元格，电子表格无法完整保存；请以文本格式保存账号</translation>
    </message>
    <message>
        <source>holds ? where the name on record has a character: the file&apos;s encoding could not hold it (GBK lacks rare characters); export the file in UTF-8</source>
        <translation>在已有姓名含有字符之处为“?”：文件的编码无法容纳该字符（GBK 缺少生僻字）；请以 UTF-8 导出文件</translation>
    </message>
    <message>
        <source>is a whole number written with a decimal point (880001.0), as a program writes a spreadsheet&apos;s number; store account numbers as text</source>
        <translation>是带小数点的整数（880001.0，程序按数字写出电子表格中的账号）；请以文本格式保存账号</translation>
    </message>
    <message>
        <source>is a number in scientific notation (1.23457E+17), as a spreadsheet shows a long number: the account&apos;s digits are lost; store account numbers as text</source>
        <translation>是科学计数法的数字（1.23457E+17，电子表格显示长数字的方式）：账号的位数已丢失；请以文本格式保存账号</translation>
    </message>
    <message>
        <source>is a spreadsheet formula, not the account it shows; save the sheet&apos;s values, accounts as text</source>
        <translation>是电子表格公式，而非其显示的账号；请保存工作表的值，账号以文本格式保存</translation>
    </message>
    <message>
        <source>is a spreadsheet&apos;s error value (#N/A, #REF!, …): a formula in the sheet it came from failed</source>
        <translation>是电子表格的错误值（#N/A、#REF! 等）：来源工作表中的公式出错</translation>
    </message>
    <message>
        <source>The column {column} may hold: {field}, but the import does not know that name (it knows: {known}). Choose what the column holds; choose (not imported) only if it holds something else.</source>
        <translation>列 {column} 可能含有：{field}，但导入不认识这个列名（认识的列名：{known}）。请选择此列的内容；仅当它是其他内容时才选择（不导入）。</translation>
    </message>
    <message>
        <source>is a client&apos;s account on record without its leading zeros (a spreadsheet drops them from numbers); store account numbers as text</source>
        <translation>是已有客户的账号去掉了开头的 0（电子表格会去掉数字开头的 0）；请以文本格式保存账号</translation>
    </message>
    <message>
        <source>is not an investor class</source>
        <translation>不是投资者类别</translation>
    </message>
    <message>
        <source>is not a risk profile (C1 to C5)</source>
        <translation>不是风险承受能力等级（C1 至 C5）</translation>
    </message>
    <message>
        <source>needs its assessment date</source>
        <translation>缺少测评日期</translation>
    </message>
    <message>
        <source>is an assessment date without a profile</source>
        <translation>有测评日期但没有风险承受能力</translation>
    </message>
    <message>
        <source>is not a date (2026-03-02, 2026/3/2 or 20260302)</source>
        <translation>不是日期（2026-03-02、2026/3/2 或 20260302）</translation>
    </message>
    <message>
        <source>is in the future</source>
        <translation>晚于今天</translation>
    </message>
    <message>
        <source>is before the client was born (the birth date in the ID number)</source>
        <translation>早于客户出生日期（证件号码中的出生日期）</translation>
    </message>
    <message>
        <source>is not yes or no (是/否)</source>
        <translation>不是“是”或“否”</translation>
    </message>
    <message>
        <source>the lowest category implies profile C1</source>
        <translation>最低类别客户的风险承受能力只能是 C1</translation>
    </message>
    <message>
        <source>a client in the lowest category cannot be professional</source>
        <translation>最低类别客户不能是专业投资者</translation>
    </message>
    <message>
        <source>appears on more than one row of the file</source>
        <translation>在文件中出现了不止一次</translation>
    </message>
    <message>
        <source>belongs to another client account in the store</source>
        <translation>已属于系统中另一个客户账号</translation>
    </message>
    <message>
        <source>differs from the ID number on record</source>
        <translation>与系统中登记的证件号码不一致</translation>
    </message>
    <message>
        <source>gives a birth date after the client&apos;s assessment on record</source>
        <translation>其出生日期晚于系统中登记的该客户风险测评日期</translation>
    </message>
    <message>
        <source>leaving the lowest category needs compliance and a reason (edit the client)</source>
        <translation>移出最低类别须由合规人员说明理由（请编辑客户）</translation>
    </message>
    <message>
        <source>is not for a client under 18 (the birth date in the ID number): a new client under 18 enters the lowest category, profile C1 and never professional</source>
        <translation>不适用于未满18周岁的客户（按证件号码中的出生日期）：未满18周岁的新客户归入最低类别，风险承受能力为C1，且不能为专业投资者</translation>
    </message>
    <message>
        <source>is not a branch code or name</source>
        <translation>不是营业部代码或名称</translation>
    </message>
    <message>
        <source>is the name of more than one branch; give the branch code</source>
        <translation>是多个营业部的名称，请填写营业部代码</translation>
    </message>
    <message>
        <source>names a branch whose record was changed outside suitcheck; compliance must investigate</source>
        <translation>所指营业部的记录在 suitcheck 之外被修改；须由合规部门调查</translation>
    </message>
    <message>
        <source>is not your branch: you may import clients only into your own branch</source>
        <translation>不是您所在的营业部：您只能向本营业部导入客户</translation>
    </message>
    <message>
        <source>is a client of another branch: you may import clients only of your own branch</source>
        <translation>是其他营业部的客户：您只能导入本营业部的客户</translation>
    </message>
    <message>
        <source>differs from the client&apos;s branch; compliance moves a client, with a reason (suitcheck investor move)</source>
        <translation>与客户所属营业部不同；调整营业部须由合规人员注明理由办理（suitcheck investor move）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>ClientImportWizard</name>
    <message>
        <source>Import clients</source>
        <translation>导入客户</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Importing clients: switching user stops it, and every client stays as it was.</source>
        <translation>正在导入客户：切换用户会停止导入，所有客户保持原样。</translation>
    </message>
    <message>
        <source>Checking a client file (nothing is written yet): switching user stops it.</source>
        <translation>正在检查客户文件（尚未写入任何内容）：切换用户会停止检查。</translation>
    </message>
</context>
<context>
    <name>ClientPane</name>
    <message>
        <source>&lt;b&gt;Clients&lt;/b&gt;</source>
        <translation>&lt;b&gt;客户&lt;/b&gt;</translation>
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
        <source>All branches</source>
        <translation>全部营业部</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>营业部</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Selected client</source>
        <translation>所选客户</translation>
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
        <source>Branch: {branch}</source>
        <translation>营业部：{branch}</translation>
    </message>
    <message>
        <source>Special attention: explain risks with extra care.</source>
        <translation>特别关注：请格外细致地揭示风险。</translation>
    </message>
    <message>
        <source>Lowest risk-tolerance category: R1 only.</source>
        <translation>风险承受能力最低类别：仅限 R1 低风险研报。</translation>
    </message>
</context>
<context>
    <name>ClockCorrectionDialog</name>
    <message>
        <source>Record a clock correction</source>
        <translation>记录时钟更正</translation>
    </message>
    <message>
        <source>Only if the newest entry was recorded while this computer&apos;s clock ran ahead, and the clock is right now: an administrator records the correction, and from then on the audit trail takes the clock as it reads. It is recorded with your name and your reason, and compliance will ask about it. If the clock is wrong, correct the clock instead.</source>
        <translation>仅当最新记录是在本机时钟走快时记下的，且时钟现已校正：由管理员记录时钟更正，此后审计日志以本机时钟的当前读数为准。更正将连同您的姓名和原因一并记录，合规部门会就此询问。如果是本机时钟不对，请校正时钟，不要记录更正。</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>e.g. the clock ran a year ahead; put right by IT</source>
        <translation>例如：时钟快了一年，已由 IT 校正</translation>
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
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Record correction</source>
        <translation>记录更正</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Account</source>
        <translation>资金账号</translation>
    </message>
    <message>
        <source>re-assess</source>
        <translation>需重新测评</translation>
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
        <source>Subject level</source>
        <translation>主题对应等级</translation>
    </message>
    <message>
        <source>Matched at</source>
        <translation>匹配等级</translation>
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
        <source>Time (UTC+8)</source>
        <translation>时间（北京时间）</translation>
    </message>
    <message>
        <source>Last login (UTC+8)</source>
        <translation>上次登录（北京时间）</translation>
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
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
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
    <name>Dashboard</name>
    <message>
        <source>allowed</source>
        <translation>允许</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>after warning</source>
        <translation>警示后允许</translation>
    </message>
    <message>
        <source>not assessed</source>
        <translation>未测评</translation>
    </message>
    <message>
        <source>professional</source>
        <translation>专业投资者</translation>
    </message>
    <message>
        <source>unrated</source>
        <translation>未评级</translation>
    </message>
    <message>
        <source>level above profile</source>
        <translation>等级高于承受能力</translation>
    </message>
    <message>
        <source>report unrated</source>
        <translation>报告未评级</translation>
    </message>
    <message>
        <source>never assessed</source>
        <translation>未测评</translation>
    </message>
    <message>
        <source>assessment expired</source>
        <translation>测评已过期</translation>
    </message>
    <message>
        <source>future assessment date</source>
        <translation>测评日期在未来</translation>
    </message>
    <message>
        <source>lowest category</source>
        <translation>最低类别</translation>
    </message>
    <message>
        <source>re-assessment due</source>
        <translation>需重新测评</translation>
    </message>
    <message>
        <source>record changed outside</source>
        <translation>记录被外部修改</translation>
    </message>
</context>
<context>
    <name>DashboardDialog</name>
    <message>
        <source>Compliance dashboard</source>
        <translation>合规看板</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>显示(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Export PNG…</source>
        <translation>导出 PNG(&amp;E)…</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>起：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>止：</translation>
    </message>
    <message>
        <source>Blocks by reason</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <source>Clients by risk profile (now)</source>
        <translation>客户风险承受能力分布（当前）</translation>
    </message>
    <message>
        <source>Reports by risk level (now)</source>
        <translation>研报风险等级分布（当前）</translation>
    </message>
    <message>
        <source>Assessments expiring per month</source>
        <translation>每月到期的风险测评</translation>
    </message>
    <message>
        <source>{lo} to {hi}: {allowed} allowed, {blocked} blocked, {warned} after warning.</source>
        <translation>{lo} 至 {hi}：允许 {allowed} 次，拒绝 {blocked} 次，警示后允许 {warned} 次。</translation>
    </message>
    <message>
        <source>Decisions per day</source>
        <translation>每日适当性判定</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Export the dashboard</source>
        <translation>导出合规看板</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>The image could not be written to {path}.</source>
        <translation>无法将图片写入 {path}。</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
</context>
<context>
    <name>DecisionPane</name>
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
        <source>The client confirmed the special warning today: the report may be opened.</source>
        <translation>客户今天已确认特别风险警示：可以打开该报告。</translation>
    </message>
    <message>
        <source>The report&apos;s level was read by an older version of suitcheck and its stored file cannot be read again now, so it is treated as unrated whatever level the list shows: compliance must rate it.</source>
        <translation>该报告的风险等级由旧版本读取，且其存储的原文件现在无法再次读取：无论列表显示何种等级，均按未评级处理，须由合规评级。</translation>
    </message>
    <message>
        <source>Recorded as audit entry {n} · {hash}</source>
        <translation>已记入审计第 {n} 条 · {hash}</translation>
    </message>
    <message>
        <source>{outcome}: {client}, {report}. {reason}</source>
        <translation>{outcome}：{client}，{report}。{reason}</translation>
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
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DiffPage</name>
    <message>
        <source>What the import would change</source>
        <translation>导入将带来的变化</translation>
    </message>
    <message>
        <source>A dry run: nothing has been written yet.</source>
        <translation>试运行：尚未写入任何内容。</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Import the valid rows and skip the invalid ones</source>
        <translation>导入有效行，跳过无效行</translation>
    </message>
    <message>
        <source>Invalid rows:</source>
        <translation>无效行：</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>正在检查每一行…</translation>
    </message>
    <message>
        <source>{rows} rows: {new} new, {changed} changed, {same} unchanged, {invalid} invalid. {missing} clients in the store are not in the file and stay as they are.</source>
        <translation>共 {rows} 行：新增 {new}，变更 {changed}，未变 {same}，无效 {invalid}。系统中有 {missing} 个客户不在文件中，保持不变。</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>The file has no column for: {fields}. It was changed since its columns were shown: go back (&lt; Back) to check them again.</source>
        <translation>文件中没有以下各项的列：{fields}。文件在显示各列之后被改动：请返回（&lt; 上一步）重新核对各列。</translation>
    </message>
    <message>
        <source>The column {columns} may hold a fact that keeps clients from reports, under a name the import does not know. It was changed since its columns were shown: go back (&lt; Back) to check them again.</source>
        <translation>列 {columns} 可能含有限制客户阅读报告的信息，但其列名不为导入所认识。文件在显示列之后已被更改：请返回（&lt; 上一步）重新检查各列。</translation>
    </message>
</context>
<context>
    <name>DistributionDialog</name>
    <message>
        <source>Distribution list</source>
        <translation>分发名单</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Report:</source>
        <translation>研报：</translation>
    </message>
    <message>
        <source>Risk level:</source>
        <translation>风险等级：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <source>Write list</source>
        <translation>生成名单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Every client who may receive this report under the rules (no escalation).</source>
        <translation>按适当性规则可以收到此研报的全部客户（不含警示后提供）。</translation>
    </message>
    <message>
        <source>Save the list as</source>
        <translation>名单另存为</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>正在写入…</translation>
    </message>
    <message>
        <source>{n} clients written…</source>
        <translation>已写入 {n} 位客户…</translation>
    </message>
    <message>
        <source>{n} clients written to {path}.</source>
        <translation>已将 {n} 位客户写入 {path}。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Writing a distribution list: switching user stops it, and no file is left.</source>
        <translation>正在生成分发名单：切换用户会停止生成，不留下任何文件。</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>Assessment saved</source>
        <translation>测评结果已保存</translation>
    </message>
    <message>
        <source>&amp;Print confirmation sheet (PDF)…</source>
        <translation>打印结果确认书（PDF）(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Open the PDF</source>
        <translation>打开 PDF(&amp;O)</translation>
    </message>
    <message>
        <source>Print the confirmation sheet for the client to sign, and file the signed copy.</source>
        <translation>打印结果确认书请客户签字，并将签字件归档。</translation>
    </message>
    <message>
        <source>{name} ({account}): {profile}, score {score}, saved. The client was marked for re-assessment while answering (their situation changed): the mark stays until they answer the questionnaire again.</source>
        <translation>{name}（{account}）：{profile}，得分 {score}，已保存。客户在答题期间被标记为需重新测评（其情况发生了变化）：在客户重新作答问卷之前，该标记仍然有效。</translation>
    </message>
    <message>
        <source>{name} ({account}): {profile}, score {score}, valid until {date}.</source>
        <translation>{name}（{account}）：{profile}，得分 {score}，有效期至 {date}。</translation>
    </message>
    <message>
        <source>Confirmation sheet</source>
        <translation>结果确认书</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Written to {path}</source>
        <translation>已写入 {path}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The translation could not be loaded.</source>
        <translation>无法加载翻译文件。</translation>
    </message>
    <message>
        <source>The client may not read this report.</source>
        <translation>该客户不可阅读此报告。</translation>
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
        <source>This computer&apos;s clock is wrong.</source>
        <translation>本机时钟有误。</translation>
    </message>
    <message>
        <source>The store was changed while suitcheck was running.</source>
        <translation>本程序运行期间，数据库已被改动。</translation>
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
        <source>Exporting the audit log: it finishes if you switch user, and is recorded as {user}&apos;s; the file is written whole or not at all.</source>
        <translation>正在导出审计日志：切换用户后导出仍会完成，并记录为 {user} 的操作；文件要么完整写入，要么不写入。</translation>
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
    <name>FilePage</name>
    <message>
        <source>Choose the client file</source>
        <translation>选择客户文件</translation>
    </message>
    <message>
        <source>A .csv (UTF-8 or GBK) or .xlsx export of the core system or CRM.</source>
        <translation>核心系统或 CRM 导出的 .csv（UTF-8 或 GBK）或 .xlsx 文件。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Detected:</source>
        <translation>识别结果：</translation>
    </message>
    <message>
        <source>Client file</source>
        <translation>客户文件</translation>
    </message>
    <message>
        <source>Client files (*.csv *.xlsx)</source>
        <translation>客户文件 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>CSV text, encoding {}</source>
        <translation>CSV 文本，编码 {}</translation>
    </message>
    <message>
        <source>Excel workbook, sheet {}</source>
        <translation>Excel 工作簿，工作表 {}</translation>
    </message>
</context>
<context>
    <name>Findings</name>
    <message>
        <source>Compliance rated the report below what its subject implies; it stays flagged.</source>
        <translation>合规人员评定的风险等级低于研报主题所对应的等级；此问题保持标记。</translation>
    </message>
    <message>
        <source>The stated level is below what the report&apos;s subject implies; the stricter level applies.</source>
        <translation>研报所述风险等级低于其主题对应的等级；按较高等级（就高）处理。</translation>
    </message>
    <message>
        <source>The report states its level twice, differently; it stays unrated until compliance decides.</source>
        <translation>研报两次陈述的风险等级不一致；在合规人员决定前按未评级处理。</translation>
    </message>
    <message>
        <source>The report says something about its own level that cannot be read as one level; it stays unrated until compliance decides.</source>
        <translation>研报关于自身风险等级的表述无法读作单一等级；在合规人员决定前按未评级处理。</translation>
    </message>
    <message>
        <source>An older version read the report&apos;s level and its stored file cannot be read again now; every decision treats it as unrated until compliance rates it.</source>
        <translation>该报告的风险等级由旧版本读取，且其存储的原文件现在无法再次读取；在合规评级前，所有判定均按未评级处理。</translation>
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
        <source>Reading the file needed more memory than the firm&apos;s limit allows; it was stopped.</source>
        <translation>读取该文件所需内存超过公司设定的上限，已停止。</translation>
    </message>
    <message>
        <source>Reading the file took more processor time than the firm&apos;s limit allows; it was stopped.</source>
        <translation>读取该文件占用的处理器时间超过公司设定的上限，已停止。</translation>
    </message>
    <message>
        <source>Reading the file did not finish in time; it was stopped.</source>
        <translation>读取该文件未能按时完成，已停止。</translation>
    </message>
    <message>
        <source>The PDF&apos;s compressed content expands beyond the firm&apos;s limit; it was not read.</source>
        <translation>该 PDF 的压缩内容解压后超过公司设定的上限，未读取。</translation>
    </message>
    <message>
        <source>The PDF has more pages than the firm&apos;s limit allows.</source>
        <translation>该 PDF 的页数超过公司设定的上限。</translation>
    </message>
    <message>
        <source>The file has more text than the firm&apos;s limit allows.</source>
        <translation>该文件的文字量超过公司设定的上限。</translation>
    </message>
    <message>
        <source>The file crashed the report reader.</source>
        <translation>该文件导致报告读取程序崩溃。</translation>
    </message>
    <message>
        <source>The report reader could not be started.</source>
        <translation>无法启动报告读取程序。</translation>
    </message>
    <message>
        <source>A link that leads outside the chosen folder; not imported.</source>
        <translation>指向所选文件夹之外的链接，未导入。</translation>
    </message>
    <message>
        <source>Not a regular file (a pipe, device or socket); not imported.</source>
        <translation>不是普通文件（管道、设备或套接字），未导入。</translation>
    </message>
    <message>
        <source>The file became a link while the folder was read; not imported.</source>
        <translation>读取文件夹期间该文件被替换为链接，未导入。</translation>
    </message>
    <message>
        <source>The file, or a folder on its path, was replaced after the folder was read; not imported.</source>
        <translation>读取文件夹后，该文件或其所在的文件夹被替换，未导入。</translation>
    </message>
    <message>
        <source>The file&apos;s name is not UTF-8 text (a zip made on Windows may give such names); rename it.</source>
        <translation>文件名不是 UTF-8 文本（在 Windows 上制作的压缩包解压后可能如此）；请重命名该文件。</translation>
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
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
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
        <source>Review…</source>
        <translation>复核…</translation>
    </message>
    <message>
        <source>The extracted details beside the text; correct them with a reason</source>
        <translation>抽取的信息与正文并排显示；可附理由更正</translation>
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
    <message>
        <source>Importing reports: switching user stops it; the reports imported so far stay imported (import the rest again later: those already in are recognised).</source>
        <translation>正在导入研报：切换用户会停止导入；已导入的研报保留（其余的稍后再导入即可，已导入的会被识别出来）。</translation>
    </message>
</context>
<context>
    <name>InspectionDialog</name>
    <message>
        <source>Self-inspection report</source>
        <translation>自查报告</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Open the PDF</source>
        <translation>打开 PDF</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>起：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>止：</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <source>Write report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Decisions, blocks, overrides, findings and assessments over the period, with the audit chain verified; to sign and file.</source>
        <translation>期间内的适当性判定、拒绝、警示后提供、合规发现和风险测评，并校验审计链；供签字归档。</translation>
    </message>
    <message>
        <source>Save the report as</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Counting and verifying the audit trail…</source>
        <translation>正在统计并校验审计链…</translation>
    </message>
    <message>
        <source>Writing the self-inspection report: it finishes if you switch user, and is recorded as {user}&apos;s; the PDF is written whole or not at all.</source>
        <translation>正在生成自查报告：切换用户后仍会完成，并记录为 {user} 的操作；PDF 要么完整写入，要么不写入。</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>校验通过</translation>
    </message>
    <message>
        <source>VERIFICATION FAILED</source>
        <translation>校验失败</translation>
    </message>
    <message>
        <source>{n} decisions; audit chain {verified}. Written to {path}</source>
        <translation>{n} 次判定；审计链{verified}。已写入 {path}</translation>
    </message>
</context>
<context>
    <name>Levels</name>
    <message>
        <source>unrated</source>
        <translation>未评级</translation>
    </message>
    <message>
        <source>record changed</source>
        <translation>记录被外部修改</translation>
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
        <source>Locked. Enter the password of {user} to continue.</source>
        <translation>已锁定。请输入 {user} 的密码继续。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Still running for {user}:</source>
        <translation>{user} 仍在进行的工作：</translation>
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
        <source>Record a clock correction…</source>
        <translation>记录时钟更正…</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Clock correction recorded as audit entry {seq}: the audit trail takes this computer&apos;s clock from now on. Log in.</source>
        <translation>时钟更正已记入审计日志第 {seq} 条：此后审计日志以本机时钟为准。请登录。</translation>
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
        <source>Find client</source>
        <translation>查找客户</translation>
    </message>
    <message>
        <source>Find report</source>
        <translation>查找研报</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>All branches (head office, {branch})</source>
        <translation>全部营业部（总部，{branch}）</translation>
    </message>
    <message>
        <source>Branch: {branch}</source>
        <translation>营业部：{branch}</translation>
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
        <source>Re-read reports with the subject table…</source>
        <translation>按主题关键词表重新识别研报…</translation>
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
        <source>Import clients from a core-system file…</source>
        <translation>从核心系统文件导入客户…</translation>
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
        <source>import research reports (Compliance, Import reports…, Ctrl+I)</source>
        <translation>导入研究报告（合规 → 导入研报…，Ctrl+I）</translation>
    </message>
    <message>
        <source>add clients (Compliance, Add client…, Ctrl+N) or import them from the core system</source>
        <translation>新增客户（合规 → 新增客户…，Ctrl+N），或从核心系统导入客户</translation>
    </message>
    <message>
        <source>Nothing to check yet. First: {steps}.</source>
        <translation>尚无可核查的内容。请先：{steps}。</translation>
    </message>
    <message>
        <source>Waiting for the store: another program or desk is holding it. The decision is shown as soon as it is free; nothing is allowed until then.</source>
        <translation>正在等待存储：另一个程序或柜台正占用它。存储一空出即显示核查结果；在此之前不允许任何阅读。</translation>
    </message>
    <message>
        <source>{n} reports shown</source>
        <translation>显示 {n} 份研报</translation>
    </message>
    <message>
        <source>A new day has begun since this decision (an assessment may have expired): check again (Enter).</source>
        <translation>此判定作出后已进入新的一天（风险测评可能已过期）：请重新核查（Enter）。</translation>
    </message>
    <message>
        <source>The firm&apos;s suitability policy was changed (now version {version}) since this decision: check again (Enter).</source>
        <translation>此判定作出后公司适当性政策已更改（现为第 {version} 版）：请重新核查（Enter）。</translation>
    </message>
    <message>
        <source>The client or the report was changed since this decision: check again (Enter).</source>
        <translation>此判定作出后该客户或该研报已更改：请重新核查（Enter）。</translation>
    </message>
    <message>
        <source>The client or the report was changed at another desk since this decision: check again (Enter).</source>
        <translation>此判定作出后另一个柜台更改了该客户或该研报：请重新核查（Enter）。</translation>
    </message>
    <message>
        <source>The report opens once its decision is in.</source>
        <translation>核查结论一出即打开该研报。</translation>
    </message>
    <message>
        <source>The report was not opened. Check again for the current decision.</source>
        <translation>研报未打开。请重新核查，查看当前结论。</translation>
    </message>
    <message>
        <source>A report window was closed: the report or the client was changed.</source>
        <translation>已关闭一个研报窗口：该研报或该客户已更改。</translation>
    </message>
    <message>
        <source>A report window was closed: the report or the client was changed at another desk.</source>
        <translation>已关闭一个研报窗口：另一个柜台更改了该研报或该客户。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;suitcheck&lt;/h3&gt;Investor suitability for research reports</source>
        <translation>&lt;h3&gt;suitcheck&lt;/h3&gt;研报投资者适当性管理</translation>
    </message>
    <message>
        <source>Store: {store}</source>
        <translation>数据库：{store}</translation>
    </message>
    <message>
        <source>Audit key fingerprint: {fingerprint}</source>
        <translation>审计密钥指纹：{fingerprint}</translation>
    </message>
    <message>
        <source>Third-party licences: {path}</source>
        <translation>第三方软件许可：{path}</translation>
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
        <source>Not checked, so nothing is allowed: {reason}</source>
        <translation>未能核查，因此不允许任何阅读：{reason}</translation>
    </message>
    <message>
        <source>This report may not be opened for this client.</source>
        <translation>该客户不得阅读此研报。</translation>
    </message>
    <message>
        <source>Opening the report…</source>
        <translation>正在打开研报…</translation>
    </message>
    <message>
        <source>Select a client first.</source>
        <translation>请先选择客户。</translation>
    </message>
    <message>
        <source>Assess selected client with the questionnaire…</source>
        <translation>用风险测评问卷评估所选客户…</translation>
    </message>
    <message>
        <source>Record an assessment made elsewhere…</source>
        <translation>登记在别处完成的风险测评…</translation>
    </message>
    <message>
        <source>Compliance dashboard…</source>
        <translation>合规看板…</translation>
    </message>
    <message>
        <source>Self-inspection report (PDF)…</source>
        <translation>自查报告（PDF）…</translation>
    </message>
    <message>
        <source>Distribution list (XLSX)…</source>
        <translation>分发名单（XLSX）…</translation>
    </message>
    <message>
        <source>Settle a record changed outside suitcheck…</source>
        <translation>确认在 suitcheck 之外被修改的记录…</translation>
    </message>
    <message>
        <source>Settle this record…</source>
        <translation>确认此记录…</translation>
    </message>
    <message>
        <source>Select a report first.</source>
        <translation>请先选择一份研报。</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>Check the columns</source>
        <translation>核对列</translation>
    </message>
    <message>
        <source>Each column of the file and what it holds; change any that is wrong.</source>
        <translation>文件的每一列及其内容；如有不对请修改。</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>First rows (ID numbers masked):</source>
        <translation>前几行（证件号码已脱敏）：</translation>
    </message>
    <message>
        <source>(choose what it holds)</source>
        <translation>（请选择此列内容）</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>No column holds: {}.</source>
        <translation>没有列对应：{}。</translation>
    </message>
    <message>
        <source>The file seems to be separated by semicolons: save it as comma- or tab-separated CSV.</source>
        <translation>该文件似乎以分号分隔：请另存为以逗号或制表符分隔的 CSV 文件。</translation>
    </message>
    <message>
        <source>The header is not on the first row (row {} holds the column names): remove the rows above it.</source>
        <translation>表头不在第一行（第 {} 行是列名）：请删除其上方的行。</translation>
    </message>
    <message>
        <source>More than one column holds: {}.</source>
        <translation>多于一列对应：{}。</translation>
    </message>
    <message>
        <source>The columns are ready.</source>
        <translation>列已就绪。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>The user name or password is wrong (after {max_failed} failed logins an account is locked for {minutes} minutes).</source>
        <translation>用户名或密码错误（连续 {max_failed} 次登录失败后，账户将锁定 {minutes} 分钟）。</translation>
    </message>
    <message>
        <source>The store {path} is missing, but this installation sealed an audit trail there; restore it from a backup, or start over with `suitcheck init --start-over`.</source>
        <translation>数据库 {path} 不见了，但本安装曾在那里封存审计记录；请从备份恢复，或用 `suitcheck init --start-over` 重新开始。</translation>
    </message>
    <message>
        <source>There is no store at {path}; create it with `suitcheck init`.</source>
        <translation>{path} 处没有数据库；请用 `suitcheck init` 创建。</translation>
    </message>
    <message>
        <source>There is no store at {path}, but this desktop&apos;s audit key belongs to the store at {stores}; start suitcheck on that store (--db or SUITCHECK_DB), or create a new store here with `suitcheck init`.</source>
        <translation>{path} 处没有数据库，而本机的审计密钥属于 {stores} 处的数据库；请在该数据库上启动 suitcheck（--db 或 SUITCHECK_DB），或用 `suitcheck init` 在此处新建数据库。</translation>
    </message>
    <message>
        <source>The folder {path_parent} for the store {path} does not exist; check the store path (a network drive that is not connected?), or create the store there with `suitcheck init`.</source>
        <translation>数据库 {path} 所在的文件夹 {path_parent} 不存在；请检查数据库路径（网络驱动器未连接？），或用 `suitcheck init` 在那里创建数据库。</translation>
    </message>
    <message>
        <source>There is no suitcheck store at {where}; create it with `suitcheck init`.</source>
        <translation>{where} 中没有 suitcheck 数据库；请用 `suitcheck init` 创建。</translation>
    </message>
    <message>
        <source>There is no store at {where} to join: `suitcheck init --join` registers this desktop on a store that another desktop set up. Check the address, or create the store with `suitcheck init` (without --join).</source>
        <translation>{where} 处没有可加入的数据库：`suitcheck init --join` 用于将本机登记到另一台电脑已建立的数据库上。请检查地址，或用 `suitcheck init`（不带 --join）创建数据库。</translation>
    </message>
    <message>
        <source>The store {location} has no audit trail to join: `suitcheck init --join` registers this desktop on a store that another desktop set up. Check the address, or set the store up with `suitcheck init` (without --join).</source>
        <translation>数据库 {location} 中没有可加入的审计日志：`suitcheck init --join` 用于将本机登记到另一台电脑已建立的数据库上。请检查地址，或用 `suitcheck init`（不带 --join）建立数据库。</translation>
    </message>
    <message>
        <source>A SQLite store is a file: give its path or a sqlite:///path URL, not an in-memory or file: URI address.</source>
        <translation>SQLite 存储是一个文件：请给出其路径或 sqlite:///路径 形式的地址，而不是内存数据库或 file: URI 地址。</translation>
    </message>
    <message>
        <source>There is no file {given}.</source>
        <translation>没有文件 {given}。</translation>
    </message>
    <message>
        <source>No installation &apos;{shown}&apos; is validly registered in this store&apos;s audit trail; `suitcheck audit key show` lists the installations and their fingerprints.</source>
        <translation>本数据库的审计记录中没有有效登记的安装“{shown}”；`suitcheck audit key show` 会列出各安装及其指纹。</translation>
    </message>
    <message>
        <source>this installation&apos;s registration is missing from the trail</source>
        <translation>审计记录中缺少本安装的登记</translation>
    </message>
    <message>
        <source>the trail holds {total} entries, but only {verified} are numbered from 1 in order: the others were added outside suitcheck</source>
        <translation>审计记录共有 {total} 条，但只有 {verified} 条从第 1 条起按序编号：其余条目是在 suitcheck 之外添加的</translation>
    </message>
    <message>
        <source>a client record of another branch was changed outside suitcheck (its seal does not match); head-office compliance can see which</source>
        <translation>另一营业部的一条客户记录在 suitcheck 之外被修改（其封印不符）；总部合规人员可以查看是哪一条</translation>
    </message>
    <message>
        <source>a client record of another branch differs from the last state the trail recorded for it; head-office compliance can see which</source>
        <translation>另一营业部的一条客户记录与审计记录最后记载的状态不一致；总部合规人员可以查看是哪一条</translation>
    </message>
    <message>
        <source>a staff account you do not manage was changed outside suitcheck (its seal does not match); a head-office administrator can see which</source>
        <translation>一个不由您管理的员工账户在 suitcheck 之外被修改（其封印不符）；总部管理员可以查看是哪一个</translation>
    </message>
    <message>
        <source>a staff account you do not manage differs from the last state the trail recorded for it; a head-office administrator can see which</source>
        <translation>一个不由您管理的员工账户与审计记录最后记载的状态不一致；总部管理员可以查看是哪一个</translation>
    </message>
    <message>
        <source>a client recorded in the trail is missing from the store; head-office compliance can see which</source>
        <translation>审计记录中记载的一名客户已不在存储中；总部合规人员可以查看是哪一名</translation>
    </message>
    <message>
        <source>a staff account recorded in the trail is missing from the store; a head-office administrator can see which</source>
        <translation>审计记录中记载的一个员工账户已不在存储中；总部管理员可以查看是哪一个</translation>
    </message>
    <message>
        <source>the assessment history of a client of another branch differs from what the trail recorded; head-office compliance can see which</source>
        <translation>另一营业部一名客户的测评历史与审计记录所载不一致；总部合规人员可以查看是哪一名</translation>
    </message>
    <message>
        <source>client {name}&apos;s assessment of {day} differs from what the trail recorded for it</source>
        <translation>客户 {name} 于 {day} 的测评与审计记录所载不一致</translation>
    </message>
    <message>
        <source>client {name}&apos;s assessment of {day} is not recorded in the trail</source>
        <translation>客户 {name} 于 {day} 的测评未记载于审计记录</translation>
    </message>
    <message>
        <source>an assessment of {day} names no client: its client was changed outside suitcheck</source>
        <translation>一条 {day} 的测评未指向任何客户：其所属客户在 suitcheck 之外被修改</translation>
    </message>
    <message>
        <source>client {name}&apos;s assessment of {day}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的客户 {name} 于 {day} 的测评已不在存储中</translation>
    </message>
    <message>
        <source>client {name}&apos;s record was changed outside suitcheck (its seal does not match)</source>
        <translation>客户 {name} 的记录在 suitcheck 之外被修改（其封印不符）</translation>
    </message>
    <message>
        <source>entry {seq} registers installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)</source>
        <translation>第 {seq} 条登记了安装 {by}，本终端不信任该安装（待合规部门登记其密钥后运行 `suitcheck audit key trust {by}`）</translation>
    </message>
    <message>
        <source>client {name}&apos;s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)</source>
        <translation>客户 {name} 的记录由安装 {by} 封存，本终端不信任该安装（待合规部门登记其密钥后运行 `suitcheck audit key trust {by}`）</translation>
    </message>
    <message>
        <source>staff account {name} is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)</source>
        <translation>员工账户 {name} 由安装 {by} 封存，本终端不信任该安装（待合规部门登记其密钥后运行 `suitcheck audit key trust {by}`）</translation>
    </message>
    <message>
        <source>report {row_id}&apos;s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)</source>
        <translation>报告 {row_id} 的记录由安装 {by} 封存，本终端不信任该安装（待合规部门登记其密钥后运行 `suitcheck audit key trust {by}`）</translation>
    </message>
    <message>
        <source>client {row_account}&apos;s record differs from the last state the trail recorded for it</source>
        <translation>客户 {row_account} 的记录与审计记录最后记载的状态不一致</translation>
    </message>
    <message>
        <source>staff account {name} was changed outside suitcheck (its seal does not match)</source>
        <translation>员工账户 {name} 在 suitcheck 之外被修改（其封印不符）</translation>
    </message>
    <message>
        <source>staff account {row_username} differs from the last state the trail recorded for it</source>
        <translation>员工账户 {row_username} 与审计记录最后记载的状态不一致</translation>
    </message>
    <message>
        <source>report {row_id}&apos;s record was changed outside suitcheck (its seal does not match)</source>
        <translation>报告 {row_id} 的记录在 suitcheck 之外被修改（其封印不符）</translation>
    </message>
    <message>
        <source>report {row_id}&apos;s record differs from the last state the trail recorded for it</source>
        <translation>报告 {row_id} 的记录与审计记录最后记载的状态不一致</translation>
    </message>
    <message>
        <source>policy version {version} was added or changed outside suitcheck</source>
        <translation>政策版本 {version} 在 suitcheck 之外被添加或修改</translation>
    </message>
    <message>
        <source>questionnaire version {version} was added or changed outside suitcheck</source>
        <translation>问卷版本 {version} 在 suitcheck 之外被添加或修改</translation>
    </message>
    <message>
        <source>client {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的客户 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>staff account {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的员工账户 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>report {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的报告 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>policy {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的政策版本 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>questionnaire {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的问卷版本 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>branch {key}, recorded in the trail, is missing from the store</source>
        <translation>审计记录中记载的营业部 {key} 已不在存储中</translation>
    </message>
    <message>
        <source>branch {code}&apos;s record was changed outside suitcheck (its seal does not match)</source>
        <translation>营业部 {code} 的记录在 suitcheck 之外被修改（其封印不符）</translation>
    </message>
    <message>
        <source>branch {code}&apos;s record differs from the last state the trail recorded for it</source>
        <translation>营业部 {code} 的记录与审计记录最后记载的状态不一致</translation>
    </message>
    <message>
        <source>branch {code}&apos;s record is sealed by installation {by}, which this desk does not trust (`suitcheck audit key trust {by}` once compliance has filed its key)</source>
        <translation>营业部 {code} 的记录由安装 {by} 封存，本终端不信任该安装（待合规部门登记其密钥后运行 `suitcheck audit key trust {by}`）</translation>
    </message>
    <message>
        <source>Branch {shown}&apos;s record was changed outside suitcheck; nothing is added to it or moved into it until compliance has investigated.</source>
        <translation>营业部 {shown} 的记录在 suitcheck 之外被修改；合规调查完成前，不向其添加或迁入任何记录。</translation>
    </message>
    <message>
        <source>Your branch is not in the store (its record was removed outside suitcheck); nothing was added. An administrator must investigate.</source>
        <translation>您所在的营业部不在数据库中（其记录在 suitcheck 之外被删除）；未添加任何内容。请管理员调查。</translation>
    </message>
    <message>
        <source>Clients or staff belong to a branch whose record was removed outside suitcheck; no branch is added until compliance has investigated (`suitcheck audit verify`).</source>
        <translation>有客户或员工所属营业部的记录已在 suitcheck 之外被删除；合规调查完成前不再添加营业部（`suitcheck audit verify`）。</translation>
    </message>
    <message>
        <source>Client {investor_account}&apos;s assessment history holds a value suitcheck never writes: it was changed outside suitcheck. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>客户 {investor_account} 的测评历史中有 suitcheck 从不写入的值：它在 suitcheck 之外被修改。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>The client&apos;s latest assessment differs from what the audit trail recorded: it was changed outside suitcheck, and no confirmation sheet was written. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>该客户最近一次测评与审计记录所载不一致：它在 suitcheck 之外被修改，未生成确认书。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>The client&apos;s record was changed outside suitcheck (its seal does not match), so every check about them blocks; no confirmation sheet was written. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>客户记录已在 suitcheck 之外被修改（校验封印不符），对其的所有检查均予拦截；未生成确认书。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>Another process sealed during the export; export again.</source>
        <translation>导出期间另一进程进行了封存；请重新导出。</translation>
    </message>
    <message>
        <source>The file {value} holds no suitcheck public key.</source>
        <translation>文件 {value} 中没有 suitcheck 公钥。</translation>
    </message>
    <message>
        <source>The public key file {value} cannot be read.</source>
        <translation>无法读取公钥文件 {value}。</translation>
    </message>
    <message>
        <source>&apos;{username}&apos; is reserved; choose another user name.</source>
        <translation>“{username}”是保留名称；请另选用户名。</translation>
    </message>
    <message>
        <source>This store has real staff accounts: demo accounts (with the public password &apos;demo&apos;) are only added to an empty store or a demo store.</source>
        <translation>此数据库已有正式员工账户：演示账户（公开密码 demo）只能加入空数据库或演示数据库。</translation>
    </message>
    <message>
        <source>This store is not a new store used only by this desktop (another desktop is registered on it), so no demo accounts (whose password &apos;demo&apos; is public) were added; `suitcheck demo` makes a demo store of its own.</source>
        <translation>此数据库不是仅由本机使用的新数据库（已有另一台电脑登记在此），因此未添加演示账户（其密码 demo 是公开的）；`suitcheck demo` 会另建一个演示数据库。</translation>
    </message>
    <message>
        <source>This store is not a new store used only by this desktop (it already holds records), so no demo accounts (whose password &apos;demo&apos; is public) were added; `suitcheck demo` makes a demo store of its own.</source>
        <translation>此数据库不是仅由本机使用的新数据库（其中已有记录），因此未添加演示账户（其密码 demo 是公开的）；`suitcheck demo` 会另建一个演示数据库。</translation>
    </message>
    <message>
        <source>The new password must differ from the old one.</source>
        <translation>新密码必须与旧密码不同。</translation>
    </message>
    <message>
        <source>Change your own password with &apos;staff passwd&apos;, not a reset.</source>
        <translation>请用 staff passwd 修改自己的密码，而不是重置。</translation>
    </message>
    <message>
        <source>Local recovery works only on a SQLite store file; on a database server another administrator resets the password (staff reset-password).</source>
        <translation>本机恢复只适用于 SQLite 数据库文件；使用数据库服务器时，请由另一位管理员重置密码（staff reset-password）。</translation>
    </message>
    <message>
        <source>Local recovery needs read and write access to the store file {path}.</source>
        <translation>本机恢复需要对数据库文件 {path} 有读写权限。</translation>
    </message>
    <message>
        <source>Log in as an administrator of this demo store to add demo data.</source>
        <translation>请以此演示数据库的管理员身份登录后再添加演示数据。</translation>
    </message>
    <message>
        <source>Another program added staff to this store meanwhile; demo data was not added.</source>
        <translation>期间另一程序向此数据库添加了员工；未添加演示数据。</translation>
    </message>
    <message>
        <source>This account&apos;s record was changed outside suitcheck; an administrator must investigate.</source>
        <translation>此账户的记录在 suitcheck 之外被修改；须由管理员调查。</translation>
    </message>
    <message>
        <source>Your role ({current_role_value}) may not do this ({permission_value}).</source>
        <translation>您的角色（{current_role_value}）无权执行此操作（{permission_value}）。</translation>
    </message>
    <message>
        <source>The {client_if_table_investor_else_staff} record &apos;{before_key_column}&apos; was changed outside suitcheck; it is not changed further until compliance has investigated.</source>
        <translation>{client_if_table_investor_else_staff}记录“{before_key_column}”在 suitcheck 之外被修改；合规调查完成前不再修改。</translation>
    </message>
    <message>
        <source>The client record &apos;{row_account}&apos; was changed outside suitcheck; it is not changed further until compliance has investigated.</source>
        <translation>客户记录“{row_account}”在 suitcheck 之外被修改；合规调查完成前不再修改。</translation>
    </message>
    <message>
        <source>The client record {ident} holds a value suitcheck never writes: it was changed outside suitcheck and is not used until compliance has investigated.</source>
        <translation>客户记录 {ident} 含有 suitcheck 从不写入的值：它在 suitcheck 之外被修改过，在合规部门调查之前不予使用。</translation>
    </message>
    <message>
        <source>The staff account {ident} holds a value suitcheck never writes: it was changed outside suitcheck and is not used until an administrator has investigated.</source>
        <translation>员工账户 {ident} 含有 suitcheck 从不写入的值：它在 suitcheck 之外被修改过，在管理员调查之前不予使用。</translation>
    </message>
    <message>
        <source>A date in the store was not written by suitcheck: a record was changed outside suitcheck, and nothing was done until compliance has investigated.</source>
        <translation>数据库中有一个日期不是 suitcheck 写入的：某条记录在 suitcheck 之外被修改过，合规部门调查之前不执行任何操作。</translation>
    </message>
    <message>
        <source>{join_managed} cannot be set; the program numbers versions itself.</source>
        <translation>不能设置 {join_managed}；版本号由程序自行编排。</translation>
    </message>
    <message>
        <source>The policy already has these values; no new version was stored.</source>
        <translation>政策已是这些值；未保存新版本。</translation>
    </message>
    <message>
        <source>Rating this report {level_code}, below the {subject_and_subject_code} its subject implies, needs a reason (--note); it stays flagged.</source>
        <translation>将此研报评为 {level_code}（低于其主题所对应的 {subject_and_subject_code}）须说明理由（--note）；此问题保持标记。</translation>
    </message>
    <message>
        <source>A finding about the report&apos;s level is settled by rating the report (report rate ID --level LEVEL --note REASON), not by dismissing it.</source>
        <translation>关于研报风险等级的问题须通过评定风险等级解决（report rate ID --level LEVEL --note REASON），不能直接忽略。</translation>
    </message>
    <message>
        <source>The CSV&apos;s header row is not a suitcheck export&apos;s; it was edited or is not one.</source>
        <translation>该 CSV 的表头不是 suitcheck 导出文件的表头；文件已被修改或并非导出文件。</translation>
    </message>
    <message>
        <source>The CSV is damaged: it cannot be read at its line {number}.</source>
        <translation>该 CSV 已损坏：其第 {number} 行无法读取。</translation>
    </message>
    <message>
        <source>The store {location} did not keep the audit entry {number} it was given: something outside suitcheck (a trigger) changes the audit trail as it is written. Nothing was recorded; tell compliance.</source>
        <translation>存储 {location} 没有保存写入的第 {number} 条审计记录：suitcheck 之外的某种机制（触发器）在写入时改动了审计链。未记录任何内容；请告知合规部门。</translation>
    </message>
    <message>
        <source>The workbook {path_name} cannot be read.</source>
        <translation>无法读取工作簿 {path_name}。</translation>
    </message>
    <message>
        <source>The workbook&apos;s header row is not a suitcheck export&apos;s; it was edited or is not one.</source>
        <translation>该工作簿的表头不是 suitcheck 导出文件的表头；文件已被修改或并非导出文件。</translation>
    </message>
    <message>
        <source>The workbook has an extra sheet &apos;{extra_title}&apos;; it was edited.</source>
        <translation>工作簿中多出工作表“{extra_title}”；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} is damaged: its sheet cannot be read at row {number}.</source>
        <translation>工作簿 {path_name} 已损坏：其工作表在第 {number} 行无法读取。</translation>
    </message>
    <message>
        <source>The workbook {path_name} has no sheet; it is not a suitcheck export.</source>
        <translation>工作簿 {path_name} 没有工作表；它不是 suitcheck 导出的文件。</translation>
    </message>
    <message>
        <source>The client &apos;{account}&apos; holds a control character an XLSX file cannot hold; export the clients to a .csv file.</source>
        <translation>客户“{account}”含有 XLSX 文件无法容纳的控制字符；请将客户导出为 .csv 文件。</translation>
    </message>
    <message>
        <source>The workbook {path_name} has a row {number} after row {previous}; it was edited.</source>
        <translation>工作簿 {path_name} 中第 {number} 行出现在第 {previous} 行之后；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} has a cell out of order or repeated in row {number}; it was edited.</source>
        <translation>工作簿 {path_name} 第 {number} 行中有单元格顺序错乱或重复；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives cells a number format that can show them otherwise than they hold; it was edited.</source>
        <translation>工作簿 {path_name} 为单元格设置了数字格式，显示的内容可能与单元格实际内容不同；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} has conditional formatting or merged cells, which show cells otherwise than they hold; it was edited.</source>
        <translation>工作簿 {path_name} 含有条件格式或合并单元格，显示的内容与单元格实际内容不同；文件已被修改。</translation>
    </message>
    <message>
        <source>The audit head {path} was altered; it no longer matches this installation&apos;s key.</source>
        <translation>审计链头记录 {path} 已被改动；与本安装的密钥不再相符。</translation>
    </message>
    <message>
        <source>&apos;{text_20}&apos;… is not a suitcheck public key.</source>
        <translation>“{text_20}”… 不是 suitcheck 公钥。</translation>
    </message>
    <message>
        <source>The audit key {path} cannot be written: {exc_strerror}.</source>
        <translation>无法写入审计密钥 {path}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The audit key&apos;s lock {lock_path} is held by process {pid} ({name}) and was not released within {seconds} seconds; nothing was recorded. Close that program (or wait until it is done) and try again.</source>
        <translation>审计密钥的锁 {lock_path} 被进程 {pid}（{name}）占用，{seconds} 秒内未释放；未记录任何内容。请关闭该程序（或等它完成）后重试。</translation>
    </message>
    <message>
        <source>The audit key&apos;s lock {lock_path} is held by another program and was not released within {seconds} seconds; nothing was recorded. Close that program (or wait until it is done) and try again.</source>
        <translation>审计密钥的锁 {lock_path} 被另一个程序占用，{seconds} 秒内未释放；未记录任何内容。请关闭该程序（或等它完成）后重试。</translation>
    </message>
    <message>
        <source>The audit key folder {path_parent} is not writable: {exc_strerror}.</source>
        <translation>审计密钥文件夹 {path_parent} 不可写：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The audit head {path} cannot be read: {exc_strerror}.</source>
        <translation>无法读取审计链头记录 {path}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The audit key {path} holds no key for the store {location} (sealed by installation {owners}). Restore the key file from its backup, or register this desktop with `suitcheck init --join`.</source>
        <translation>审计密钥 {path} 中没有数据库 {location} 的密钥（由安装 {owners} 封存）。请从备份恢复密钥文件，或用 `suitcheck init --join` 登记本机。</translation>
    </message>
    <message>
        <source>The store&apos;s old audit trail fails verification ({failure_problem}); it is not sealed over. Restore the store from a backup.</source>
        <translation>数据库原有的审计记录未通过校验（{failure_problem}）；不会在其上封存。请从备份恢复数据库。</translation>
    </message>
    <message>
        <source>The store {location} was replaced: it is not the store this installation sealed there (its first entry differs).</source>
        <translation>数据库 {location} 已被替换：它不是本安装在那里封存的数据库（第一条记录不同）。</translation>
    </message>
    <message>
        <source>The audit key {path} is missing, but the store {location} is sealed (by installation {owners}). Restore the key file from its backup; `suitcheck init --join` registers this desktop as a new installation instead.</source>
        <translation>审计密钥 {path} 不见了，但数据库 {location} 已封存（由安装 {owners}）。请从备份恢复密钥文件；或用 `suitcheck init --join` 将本机登记为新的安装。</translation>
    </message>
    <message>
        <source>The head record beside the audit key {path} is missing, so the store {location} cannot be checked for deleted entries; restore it from its backup.</source>
        <translation>审计密钥 {path} 旁的链头记录不见了，因此无法检查数据库 {location} 是否有记录被删除；请从备份恢复。</translation>
    </message>
    <message>
        <source>The audit key {self_path} no longer holds this store&apos;s key; restore it from its backup.</source>
        <translation>审计密钥 {self_path} 中已没有此数据库的密钥；请从备份恢复。</translation>
    </message>
    <message>
        <source>The audit key {path} no longer holds this store&apos;s key; restore it from its backup.</source>
        <translation>审计密钥 {path} 中已没有此数据库的密钥；请从备份恢复。</translation>
    </message>
    <message>
        <source>The store&apos;s old audit trail was truncated or rewritten (entry {seq} differs from its checkpoint); it is not sealed over.</source>
        <translation>数据库原有的审计记录被截断或改写（第 {seq} 条与其检查点不符）；不会在其上封存。</translation>
    </message>
    <message>
        <source>The store {location} is empty, but this installation sealed a trail there: it was deleted or re-initialised. Restore it from a backup, or start over with `suitcheck init --start-over`.</source>
        <translation>数据库 {location} 是空的，但本安装曾在那里封存审计记录：它已被删除或重新初始化。请从备份恢复，或用 `suitcheck init --start-over` 重新开始。</translation>
    </message>
    <message>
        <source>The store {location} has no audit trail yet; create it with `suitcheck init`.</source>
        <translation>数据库 {location} 还没有审计记录；请用 `suitcheck init` 创建。</translation>
    </message>
    <message>
        <source>The store {location} was changed outside suitcheck: its audit trail holds entries, but its first entry is missing (deleted or renumbered). Restore it from a backup.</source>
        <translation>数据库 {location} 在 suitcheck 之外被改动：其审计记录中有条目，但缺少第一条（已被删除或重新编号）。请从备份恢复。</translation>
    </message>
    <message>
        <source>The store {location} was changed outside suitcheck: its newest audit entry ({head_0}) holds a moment suitcheck never writes, so a desktop joining now has no moment to date its registration after. This desktop was not registered and nothing was recorded; tell compliance (`suitcheck audit verify` names the entry).</source>
        <translation>数据库 {location} 在 suitcheck 之外被改动：其最新一条审计记录（第 {head_0} 条）的时间不是 suitcheck 会写入的时间，现在加入的电脑无从确定其登记应晚于哪个时刻。本机未登记，未记录任何内容；请告知合规部门（`suitcheck audit verify` 会指出该条记录）。</translation>
    </message>
    <message>
        <source>The store {location} was replaced: it is not the store this installation sealed there.</source>
        <translation>数据库 {location} 已被替换：它不是本安装在那里封存的数据库。</translation>
    </message>
    <message>
        <source>The store {location} predates sealed audit trails and its audit key {path} is missing; run `suitcheck init` to seal its old trail under a new key.</source>
        <translation>数据库 {location} 早于封存式审计记录，且其审计密钥 {path} 不见了；请运行 `suitcheck init`，用新密钥封存原有记录。</translation>
    </message>
    <message>
        <source>The store {location} is shorter than its recorded head: it ends at entry {last_seq}, but entry {seq} was recorded beside the audit key (entries were deleted). If the store was restored from a backup, `suitcheck init --restored-backup REASON` accepts it, recording the lost entries.</source>
        <translation>数据库 {location} 短于记录的链头：它止于第 {last_seq} 条，而审计密钥旁记录了第 {seq} 条（有条目被删除）。如果数据库是从备份恢复的，可用 `suitcheck init --restored-backup 原因` 接受恢复，并记录丢失的条目。</translation>
    </message>
    <message>
        <source>The store {location} was rewritten: entry {seq} differs from the head recorded beside the audit key.</source>
        <translation>数据库 {location} 被改写：第 {seq} 条与审计密钥旁记录的链头不符。</translation>
    </message>
    <message>
        <source>The store {location} was changed outside suitcheck: the newest entry of its audit trail is numbered &apos;{number}&apos;, which is not a whole number.</source>
        <translation>数据库 {location} 在 suitcheck 之外被改动过：其审计链最新一条的编号是“{number}”，不是整数。</translation>
    </message>
    <message>
        <source>The audit key {self_path} was removed while suitcheck was running; restore it from its backup.</source>
        <translation>suitcheck 运行期间审计密钥 {self_path} 被移除；请从备份恢复。</translation>
    </message>
    <message>
        <source>The audit key {self_path} vanished while sealing; restore it from its backup.</source>
        <translation>封存期间审计密钥 {self_path} 不见了；请从备份恢复。</translation>
    </message>
    <message>
        <source>The audit key {self_path} is older than the audit trail of the store {self_inst_location}: its installation {self_chain} sealed the key&apos;s epoch at entry {later_seq} and has moved on since (a backup of the key file put back, or the key file copied to another desktop). Nothing was recorded. Put back the newest copy of the key file; if there is none, or this one was copied from another desktop, move it aside and register this desktop anew with `suitcheck init --join`.</source>
        <translation>审计密钥 {self_path} 比数据库 {self_inst_location} 的审计日志旧：其安装 {self_chain} 已在第 {later_seq} 条封存该密钥所在的期，此后已继续向前（可能放回了密钥文件的旧备份，或把密钥文件复制到了另一台电脑）。未记录任何内容。请放回最新的密钥文件副本；若没有，或此文件是从另一台电脑复制来的，请将其移开，并用 `suitcheck init --join` 将本机重新登记为新安装。</translation>
    </message>
    <message>
        <source>The store&apos;s old checkpoint at entry {seq} is not signed by this installation&apos;s old key; it is not sealed over.</source>
        <translation>数据库第 {seq} 条处原有的检查点并非由本安装的旧密钥签名；不会在其上封存。</translation>
    </message>
    <message>
        <source>The store {where} was made by a newer version of suitcheck (schema {revision}); open it with that version or a newer one.</source>
        <translation>数据库 {where} 由更新版本的 suitcheck 创建（结构版本 {revision}）；请用该版本或更新版本打开。</translation>
    </message>
    <message>
        <source>The store was upgraded by a newer version of suitcheck (schema {revision}) while this one was running; nothing was recorded. Close suitcheck and start the newer version.</source>
        <translation>本程序运行期间，数据库已被更新版本的 suitcheck 升级（结构版本 {revision}）；未记录任何内容。请关闭 suitcheck，改用更新版本。</translation>
    </message>
    <message>
        <source>The store {where} cannot be opened: its schema revision was changed outside suitcheck. Ask the administrator to restore the store from a backup.</source>
        <translation>无法打开数据库 {where}：其结构版本已在 suitcheck 之外被改动。请联系管理员从备份恢复数据库。</translation>
    </message>
    <message>
        <source>The store&apos;s schema revision was changed outside suitcheck while this one was running; nothing was recorded. Ask the administrator to restore the store from a backup.</source>
        <translation>本程序运行期间，数据库的结构版本已在 suitcheck 之外被改动；未记录任何内容。请联系管理员从备份恢复数据库。</translation>
    </message>
    <message>
        <source>the checkpoint at entry {seq} is not signed by this installation&apos;s audit key</source>
        <translation>第 {seq} 条处的检查点不是由本机审计密钥签名的</translation>
    </message>
    <message>
        <source>the chain was truncated: a checkpoint vouches for entry {seq}, but the chain ends at {result_head_seq_or_0}</source>
        <translation>审计链被截断：检查点担保到第 {seq} 条，但链在第 {result_head_seq_or_0} 条结束</translation>
    </message>
    <message>
        <source>entry {seq} differs from the signed checkpoint: the chain was rewritten</source>
        <translation>第 {seq} 条与已签名的检查点不符：审计链被改写</translation>
    </message>
    <message>
        <source>entry {seq} was altered (its content no longer matches its hash)</source>
        <translation>第 {seq} 条被改动（内容与其哈希不再相符）</translation>
    </message>
    <message>
        <source>Your account&apos;s record was changed outside suitcheck; nothing was done. An administrator must investigate.</source>
        <translation>您的账户记录在 suitcheck 之外被改动；未执行任何操作。须由管理员调查。</translation>
    </message>
    <message>
        <source>the seal of installation {due_0} (epoch {due_1}) is missing: it was due as entry {due_2}</source>
        <translation>安装 {due_0} 的封签（第 {due_1} 期）缺失：它应是第 {due_2} 条</translation>
    </message>
    <message>
        <source>the seal of installation {chain} (epoch {epoch}) is missing: it was due as entry {seq}, where the trail now ends</source>
        <translation>安装 {chain} 的封签（第 {epoch} 期）缺失：它应是第 {seq} 条，而审计链现在止于此处</translation>
    </message>
    <message>
        <source>the trail holds no sealed entries: no installation is registered in it</source>
        <translation>审计链中没有封签条目：其中没有登记任何安装</translation>
    </message>
    <message>
        <source>installation {chain} is at epoch {epoch}, but the trail&apos;s last seal leaves it at {state_epoch}: the trail was truncated or replaced</source>
        <translation>安装 {chain} 处于第 {epoch} 期，但审计链最后的封签停在第 {state_epoch} 期：审计链被截断或替换</translation>
    </message>
    <message>
        <source>installation {chain} is at epoch {epoch}, but the trail&apos;s last seal leaves it at {state_epoch}: the trail is newer than this installation&apos;s key</source>
        <translation>安装 {chain} 处于第 {epoch} 期，但审计链最后的封签停在第 {state_epoch} 期：审计链比本安装的密钥更新</translation>
    </message>
    <message>
        <source>entry {p_seq} was forged or altered: its MAC does not match this installation&apos;s key</source>
        <translation>第 {p_seq} 条被伪造或改动：其 MAC 与本安装的密钥不符</translation>
    </message>
    <message>
        <source>entry {seq} is a malformed seal (it carries fields a seal never has)</source>
        <translation>第 {seq} 条是格式不正确的封签（含有封签不会有的字段）</translation>
    </message>
    <message>
        <source>entry {expected_seq} is missing (found {seq} in its place)</source>
        <translation>第 {expected_seq} 条缺失（其位置上是第 {seq} 条）</translation>
    </message>
    <message>
        <source>entry {expected_seq} is duplicated or out of order (found {seq} in its place)</source>
        <translation>第 {expected_seq} 条重复或顺序错乱（其位置上是第 {seq} 条）</translation>
    </message>
    <message>
        <source>entry {seq} does not link to the entry before it (prev_hash differs)</source>
        <translation>第 {seq} 条与前一条接不上（prev_hash 不同）</translation>
    </message>
    <message>
        <source>entry {seq} carries no installation mark: it was added outside suitcheck</source>
        <translation>第 {seq} 条没有安装标记：它是在 suitcheck 之外添加的</translation>
    </message>
    <message>
        <source>entry {seq} claims installation {chain}, which is not registered in the trail before it</source>
        <translation>第 {seq} 条自称来自安装 {chain}，但该安装在此前的审计链中没有登记</translation>
    </message>
    <message>
        <source>entry {seq} is a damaged installation registration</source>
        <translation>第 {seq} 条是已损坏的安装登记</translation>
    </message>
    <message>
        <source>entry {seq} registers installation {chain} with a key that is not its own</source>
        <translation>第 {seq} 条以不属于安装 {chain} 的密钥为其登记</translation>
    </message>
    <message>
        <source>entry {seq} registers installation {chain} with an impossible seal interval</source>
        <translation>第 {seq} 条为安装 {chain} 登记了不可能的封签间隔</translation>
    </message>
    <message>
        <source>entry {seq}: the registration of installation {chain} is not signed by its genesis key</source>
        <translation>第 {seq} 条：安装 {chain} 的登记未由其初始密钥签名</translation>
    </message>
    <message>
        <source>entry {seq} registers installation {chain}, whose genesis key is not among the trusted public keys</source>
        <translation>第 {seq} 条登记了安装 {chain}，但其初始密钥不在受信任的公钥之中</translation>
    </message>
    <message>
        <source>entry {seq} is a damaged seal</source>
        <translation>第 {seq} 条是已损坏的封签</translation>
    </message>
    <message>
        <source>entry {seq}: installation {chain} seals epoch {epoch}, but its open epoch is {state_epoch}</source>
        <translation>第 {seq} 条：安装 {chain} 封存第 {epoch} 期，但其未封存的是第 {state_epoch} 期</translation>
    </message>
    <message>
        <source>the seal at entry {seq} (installation {chain}, epoch {epoch}) no longer matches the trail before it: an entry between {state_start} and {seq} was changed, inserted or removed after it was signed, or the seal is not signed by that epoch&apos;s key</source>
        <translation>第 {seq} 条的封签（安装 {chain}，第 {epoch} 期）与其前的审计链不再相符：第 {state_start} 条与第 {seq} 条之间有条目在签名后被改动、插入或删除，或该封签并非由该期密钥签名</translation>
    </message>
    <message>
        <source>entry {bad} was forged or altered: its MAC does not match installation {chain}&apos;s epoch {epoch} key</source>
        <translation>第 {bad} 条被伪造或改动：其 MAC 与安装 {chain} 第 {epoch} 期的密钥不符</translation>
    </message>
    <message>
        <source>the key history of installation {chain} is broken at its epoch {epoch} seal</source>
        <translation>安装 {chain} 的密钥历史在其第 {epoch} 期封签处断开</translation>
    </message>
    <message>
        <source>row {number} has no client/report columns in its record</source>
        <translation>第 {number} 行的记录中没有客户/研报列</translation>
    </message>
    <message>
        <source>row {number} has {len_cells} cells, not {len_HEADERS}</source>
        <translation>第 {number} 行有 {len_cells} 个单元格，而不是 {len_HEADERS} 个</translation>
    </message>
    <message>
        <source>row {number}, column {HEADERS_index} is a formula (&apos;{got_text_30}&apos;)</source>
        <translation>第 {number} 行 {HEADERS_index} 列是公式（&apos;{got_text_30}&apos;）</translation>
    </message>
    <message>
        <source>row {number} (entry {record_get_seq}), column {HEADERS_index} reads &apos;{got_text_40}&apos; but the entry&apos;s record says &apos;{expected_text_want_40}&apos;</source>
        <translation>第 {number} 行（第 {record_get_seq} 条）{HEADERS_index} 列为 &apos;{got_text_40}&apos;，但该条记录为 &apos;{expected_text_want_40}&apos;</translation>
    </message>
    <message>
        <source>row {number}&apos;s record continues over {len_pieces} cells with an empty or non-text one among them: a continuation cell was removed or edited</source>
        <translation>第 {number} 行的记录延续到 {len_pieces} 个单元格，其中有空的或非文本的：某个续接单元格被删除或改动</translation>
    </message>
    <message>
        <source>entry {c_get_seq} has a field of the wrong type; it was edited</source>
        <translation>第 {c_get_seq} 条有类型不对的字段：它被改动过</translation>
    </message>
    <message>
        <source>row {number}&apos;s record, split over {len_pieces} cells, does not join into valid JSON: a continuation cell was edited, removed or reordered</source>
        <translation>第 {number} 行的记录分在 {len_pieces} 个单元格中，拼接后不是有效的 JSON：某个续接单元格被改动、删除或调换了顺序</translation>
    </message>
    <message>
        <source>row {number}&apos;s record is not written as suitcheck writes it (a key repeated, added or moved, or space added): it was edited</source>
        <translation>第 {number} 行的记录不是 suitcheck 写出的样子（有键重复、增加或挪动，或加了空白）：它被改动过</translation>
    </message>
    <message>
        <source>It holds only the entries matching {shown} (exported {at} by {by}) recorded up to entry {end}, the export&apos;s seal: it is not the whole trail, and nothing in it proves what it leaves out.</source>
        <translation>它只含第 {end} 条（本次导出的封签）及以前记录的、符合 {shown} 的条目（{at} 由 {by} 导出）：这不是完整的审计链，其中没有任何内容能证明它略去了什么。</translation>
    </message>
    <message>
        <source>It holds only the entries matching {shown} (exported {at} by {by}): it is not the whole trail, and nothing in it proves what it leaves out.</source>
        <translation>它只含符合 {shown} 的条目（{at} 由 {by} 导出）：这不是完整的审计链，其中没有任何内容能证明它略去了什么。</translation>
    </message>
    <message>
        <source>It holds the whole trail from entry {first} to entry {last} (exported {at} by {by}).</source>
        <translation>它含从第 {first} 条到第 {last} 条的完整审计链（{at} 由 {by} 导出）。</translation>
    </message>
    <message>
        <source>It holds the whole trail from entry {first} to entry {last} (exported {at} by {by}), but {awaiting} of its entries await their installation&apos;s seal, which had not been made: nothing has checked their MACs yet.</source>
        <translation>它含从第 {first} 条到第 {last} 条的完整审计链（{at} 由 {by} 导出），但其中有 {awaiting} 条仍在等待其安装的封签（当时尚未封存）：其 MAC 至今无人核对。</translation>
    </message>
    <message>
        <source>{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported.</source>
        <translation>{scope}导出时，完整的审计链（{entries} 条，至第 {through} 条）已通过验证。</translation>
    </message>
    <message>
        <source>{scope} It was exported by an earlier version, which did not verify the trail first: only its signature vouches for its entries.</source>
        <translation>{scope}它由较早的版本导出，导出前未验证审计链：为其中条目担保的只有签名。</translation>
    </message>
    <message>
        <source>the audit trail failed verification when this file was exported ({problem}): nothing in it is vouched for</source>
        <translation>导出此文件时审计链未通过验证（{problem}）：其中任何条目都没有担保</translation>
    </message>
    <message>
        <source>the audit trail this file was exported from registers installation {chain}, whose genesis key is not among the trusted public keys: nothing in it is vouched for</source>
        <translation>导出此文件的审计链登记了安装 {chain}，但其初始密钥不在受信任的公钥之中：其中任何条目都没有担保</translation>
    </message>
    <message>
        <source>{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported, but {awaiting} of the entries here await their installation&apos;s seal, which had not been made: nothing has checked their MACs yet.</source>
        <translation>{scope}导出时，完整的审计链（{entries} 条，至第 {through} 条）已通过验证，但此处有 {awaiting} 条仍在等待其安装的封签（当时尚未封存）：其 MAC 至今无人核对。</translation>
    </message>
    <message>
        <source>{problem}; and the audit trail failed verification when this file was exported ({trail_problem}): nothing in it is vouched for</source>
        <translation>{problem}；并且导出此文件时审计链未通过验证（{trail_problem}）：其中任何条目都没有担保</translation>
    </message>
    <message>
        <source>The audit trail fails verification ({problem}). The export was written for investigation, and its signed manifest says so: the file will not verify. Run `suitcheck audit verify` and report it to compliance.</source>
        <translation>审计链未通过验证（{problem}）。导出文件已写出，供调查使用，其签名清单也注明了这一点：该文件不会通过验证。请运行 `suitcheck audit verify` 并报告合规部门。</translation>
    </message>
    <message>
        <source>The audit trail fails verification ({problem}). The self-inspection report was written for investigation and says so. Run `suitcheck audit verify` and report it to compliance.</source>
        <translation>审计链未通过验证（{problem}）。自查报告已写出，供调查使用，报告中也注明了这一点。请运行 `suitcheck audit verify` 并报告合规部门。</translation>
    </message>
    <message>
        <source>Unknown export format &apos;{fmt}&apos;; use csv, xlsx or jsonl.</source>
        <translation>未知的导出格式“{fmt}”；请使用 csv、xlsx 或 jsonl。</translation>
    </message>
    <message>
        <source>Unknown decision &apos;{decision}&apos;; use allow, block or allow-after-warning.</source>
        <translation>未知的决定“{decision}”；请使用 allow、block 或 allow-after-warning。</translation>
    </message>
    <message>
        <source>Unknown audit action &apos;{action}&apos;.</source>
        <translation>未知的审计操作“{action}”。</translation>
    </message>
    <message>
        <source>{out} is a folder; give a file name.</source>
        <translation>{out} 是文件夹；请给出文件名。</translation>
    </message>
    <message>
        <source>{out} is this program&apos;s standard output (or input or error); give a file name.</source>
        <translation>{out} 是本程序的标准输出（或标准输入、标准错误），不是文件；请给出文件名。</translation>
    </message>
    <message>
        <source>{manifest} is a folder, and the export&apos;s manifest is written there; nothing was written. Give another name.</source>
        <translation>{manifest} 是一个文件夹，而导出的清单文件要写在那里；未写入任何内容。请另选文件名。</translation>
    </message>
    <message>
        <source>{out} is a file of the suitcheck store itself; nothing was written. Give another name.</source>
        <translation>{out} 是 suitcheck 数据库本身的文件；未写入任何内容。请换一个文件名。</translation>
    </message>
    <message>
        <source>{out} is this installation&apos;s audit key; nothing was written. Give another name.</source>
        <translation>{out} 是本安装的审计密钥；未写入任何内容。请换一个文件名。</translation>
    </message>
    <message>
        <source>{out} is the file this command reads; nothing was written. Give another name.</source>
        <translation>{out} 是本操作读取的文件；未写入任何内容。请换一个文件名。</translation>
    </message>
    <message>
        <source>{out} is suitcheck&apos;s log file; nothing was written. Give another name.</source>
        <translation>{out} 是 suitcheck 的日志文件；未写入任何内容。请换一个文件名。</translation>
    </message>
    <message>
        <source>{out} is not a plain file (a device, a pipe or a socket); give a file name.</source>
        <translation>{out} 不是普通文件（而是设备、管道或套接字）；请给出文件名。</translation>
    </message>
    <message>
        <source>The folder {out_parent} does not exist.</source>
        <translation>文件夹 {out_parent} 不存在。</translation>
    </message>
    <message>
        <source>{path} does not exist.</source>
        <translation>{path} 不存在。</translation>
    </message>
    <message>
        <source>{path} cannot be read as a CSV file of client,report pairs: {reason}</source>
        <translation>无法将 {path} 读作&quot;客户,报告&quot;配对的 CSV 文件：{reason}</translation>
    </message>
    <message>
        <source>Cannot write to {out_parent}: permission denied.</source>
        <translation>无法写入 {out_parent}：没有权限。</translation>
    </message>
    <message>
        <source>The export to {out} failed: {exc_strerror_or_exc}.</source>
        <translation>导出到 {out} 失败：{exc_strerror_or_exc}。</translation>
    </message>
    <message>
        <source>The export&apos;s second process could not be started: {exc}.</source>
        <translation>无法启动导出的第二个进程：{exc}。</translation>
    </message>
    <message>
        <source>The export&apos;s second process could not write its part: {reason}; nothing was written.</source>
        <translation>导出的第二个进程无法写入其部分：{reason}；未写入任何文件。</translation>
    </message>
    <message>
        <source>The export&apos;s second process failed ({error}); nothing was written.</source>
        <translation>导出的第二个进程出错（{error}）；未写入任何文件。</translation>
    </message>
    <message>
        <source>The export&apos;s second process ended early (exit status {status}); nothing was written.</source>
        <translation>导出的第二个进程提前结束（退出状态 {status}）；未写入任何文件。</translation>
    </message>
    <message>
        <source>The CSV has no &apos;canonical&apos; column; it is not a suitcheck export.</source>
        <translation>该 CSV 没有“canonical”列，不是 suitcheck 的导出文件。</translation>
    </message>
    <message>
        <source>The workbook has no &apos;canonical&apos; column; it is not a suitcheck export.</source>
        <translation>该工作簿没有“canonical”列，不是 suitcheck 的导出文件。</translation>
    </message>
    <message>
        <source>Row {number} of the export is damaged (not valid JSON).</source>
        <translation>导出文件第 {number} 行已损坏（不是有效的 JSON）。</translation>
    </message>
    <message>
        <source>Row {number} of the export is damaged.</source>
        <translation>导出文件第 {number} 行已损坏。</translation>
    </message>
    <message>
        <source>An exported entry lacks the field &apos;{exc_args_0}&apos;.</source>
        <translation>某条导出记录缺少字段“{exc_args_0}”。</translation>
    </message>
    <message>
        <source>The export {path} cannot be read.</source>
        <translation>无法读取导出文件 {path}。</translation>
    </message>
    <message>
        <source>the file differs from the one the manifest describes</source>
        <translation>文件与清单所描述的不一致</translation>
    </message>
    <message>
        <source>The document {document} cannot be read.</source>
        <translation>无法读取文件 {document}。</translation>
    </message>
    <message>
        <source>the document {name} (SHA-256 {short}…) is recorded in no entry of this export: it was changed after suitcheck wrote it, or suitcheck did not write it</source>
        <translation>文件 {name}（SHA-256 {short}…）不见于本导出的任何一条记录：它在 suitcheck 写出后被修改过，或并非 suitcheck 所写</translation>
    </message>
    <message>
        <source>the document {name} (SHA-256 {short}…) is recorded in none of the entries this filtered export holds (the entry that recorded it may be outside its filters): it was changed after suitcheck wrote it, or suitcheck did not write it</source>
        <translation>文件 {name}（SHA-256 {short}…）不见于本筛选导出所含的任何一条记录（记录它的那一条可能不在筛选范围内）：它在 suitcheck 写出后被修改过，或并非 suitcheck 所写</translation>
    </message>
    <message>
        <source>the export holds {result_count} entries but its manifest says {manifest_get_count} (truncated or padded)</source>
        <translation>导出文件有 {result_count} 条记录，清单却记为 {manifest_get_count} 条（被截断或被添加）</translation>
    </message>
    <message>
        <source>the last entry differs from the manifest</source>
        <translation>最后一条记录与清单不符</translation>
    </message>
    <message>
        <source>The manifest {manifest_path_name} is missing; an export is verified with it.</source>
        <translation>缺少清单 {manifest_path_name}；导出文件需凭清单校验。</translation>
    </message>
    <message>
        <source>The manifest {manifest_path_name} is damaged.</source>
        <translation>清单 {manifest_path_name} 已损坏。</translation>
    </message>
    <message>
        <source>The manifest {manifest_path_name} is not a suitcheck export manifest.</source>
        <translation>{manifest_path_name} 不是 suitcheck 导出清单。</translation>
    </message>
    <message>
        <source>{name} is a filtered export; use whole-chain exports</source>
        <translation>{name} 是筛选后的导出；请使用整链导出</translation>
    </message>
    <message>
        <source>The audit key {path} cannot be read: {exc_strerror}.</source>
        <translation>无法读取审计密钥 {path}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The audit key {path} is damaged.</source>
        <translation>审计密钥 {path} 已损坏。</translation>
    </message>
    <message>
        <source>The audit key {path} was written by a newer version of suitcheck (keyring format {version}); start that version or a newer one.</source>
        <translation>审计密钥 {path} 由更新版本的 suitcheck 写入（密钥文件格式 {version}）；请启动该版本或更新版本。</translation>
    </message>
    <message>
        <source>The audit key {path} is too short.</source>
        <translation>审计密钥 {path} 太短。</translation>
    </message>
    <message>
        <source>The audit key {path} cannot be created: {exc_strerror}.</source>
        <translation>无法创建审计密钥 {path}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The client has not confirmed the risk warning; nothing was recorded.</source>
        <translation>客户未确认风险警示；未作任何记录。</translation>
    </message>
    <message>
        <source>This report cannot be given after a warning: the decision is {decision_outcome_value}.</source>
        <translation>此研报不能在警示后提供：判定为 {decision_outcome_value}。</translation>
    </message>
    <message>
        <source>The warning shown is not the current version; show it again.</source>
        <translation>所展示的警示不是当前版本；请重新展示。</translation>
    </message>
    <message>
        <source>An override of this report for this client was already recorded today (audit entry {earlier}); it admits the report for the rest of the day, so nothing was recorded.</source>
        <translation>今天已为该客户就此研报记录过警示后客户坚持获取（审计第 {earlier} 条）；该记录当日有效，本次未记录任何内容。</translation>
    </message>
    <message>
        <source>The client&apos;s profile or assessment, or the report&apos;s level, changed since the warning was shown; nothing was recorded. Check again and show the warning for the current decision.</source>
        <translation>风险警示显示之后，客户的风险承受能力类型或测评、或研报的风险等级已有变化；本次未记录任何内容。请重新判定，并就当前判定重新出示警示。</translation>
    </message>
    <message>
        <source>This report may not be opened for this client: the decision is {decision_outcome_value}.</source>
        <translation>不得为该客户打开此研报：判定为 {decision_outcome_value}。</translation>
    </message>
    <message>
        <source>The start date is after the end date.</source>
        <translation>开始日期晚于结束日期。</translation>
    </message>
    <message>
        <source>A password needs at least {MIN_PASSWORD_LENGTH} characters.</source>
        <translation>密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。</translation>
    </message>
    <message>
        <source>The store already has staff accounts; an administrator must add new ones.</source>
        <translation>数据库中已有员工账户；新账户须由管理员添加。</translation>
    </message>
    <message>
        <source>A user name is 1 to 64 characters without spaces.</source>
        <translation>用户名为 1 至 64 个字符，不含空格。</translation>
    </message>
    <message>
        <source>A staff account named &apos;{username}&apos; already exists.</source>
        <translation>名为“{username}”的员工账户已存在。</translation>
    </message>
    <message>
        <source>A staff account named &apos;{existing}&apos; already exists; a user name differing from it only in capitals or character forms would be taken for it. Choose another user name.</source>
        <translation>名为“{existing}”的员工账户已存在；仅大小写或字符形式与其不同的用户名会被误认为该账户。请另选用户名。</translation>
    </message>
    <message>
        <source>Another desk stored a client with this account number at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了使用此账号的客户；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored a client with this ID number at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了使用此证件号码的客户；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored a staff account with this user name at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了使用此用户名的员工账户；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored a branch with this code at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了使用此代码的营业部；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored this report at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了此研报；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored a new policy version at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了新的政策版本；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>Another desk stored a new questionnaire version at the same moment; nothing was done. Look again, and try again if it is still needed.</source>
        <translation>另一台终端在同一时刻保存了新的问卷版本；本次未做任何操作。请重新查看，如仍需要再重试。</translation>
    </message>
    <message>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账户。</translation>
    </message>
    <message>
        <source>No staff account is named &apos;{username}&apos;.</source>
        <translation>没有名为“{username}”的员工账户。</translation>
    </message>
    <message>
        <source>The user name or password is wrong.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>This account is disabled; ask an administrator.</source>
        <translation>此账户已停用；请联系管理员。</translation>
    </message>
    <message>
        <source>Your account has been disabled; nothing was done. Sign in again when it is re-enabled.</source>
        <translation>您的账户已被停用，本次操作未执行。账户重新启用后请重新登录。</translation>
    </message>
    <message>
        <source>Your account is locked; nothing was done. Sign in again when it is unlocked.</source>
        <translation>您的账户已被锁定，本次操作未执行。解锁后请重新登录。</translation>
    </message>
    <message>
        <source>Your account no longer exists; nothing was done.</source>
        <translation>您的账户已不存在，本次操作未执行。</translation>
    </message>
    <message>
        <source>Your password was changed or reset since you signed in; nothing was done. Sign in again.</source>
        <translation>自您登录以来，您的密码已被修改或重置，本次操作未执行。请重新登录。</translation>
    </message>
    <message>
        <source>The store {location} holds every entry recorded beside its audit key: it is not behind its head, so there is no restored backup to accept.</source>
        <translation>数据库 {location} 包含审计密钥旁记录的全部条目，并未落后于记录的链头，因此没有需要接受的备份恢复。</translation>
    </message>
    <message>
        <source>This account is locked after too many failed logins; try again later.</source>
        <translation>登录失败次数过多，此账户已锁定；请稍后再试。</translation>
    </message>
    <message>
        <source>Your role ({actor_role_value}) may not do this ({permission_value}).</source>
        <translation>您的角色（{actor_role_value}）无权执行此操作（{permission_value}）。</translation>
    </message>
    <message>
        <source>The stored policy version {row_version} is damaged: {exc}.</source>
        <translation>已存储的政策版本 {row_version} 已损坏：{exc}。</translation>
    </message>
    <message>
        <source>The audit trail records storing policy version {recorded}, but the store&apos;s newest is version {newest}: the newer one was removed outside suitcheck, and nothing was decided. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>审计记录显示已保存第 {recorded} 版政策，但数据库中最新的是第 {newest} 版：较新的版本已在 suitcheck 之外被删除，未作任何判定。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>The stored policy version {row_version} was not written by suitcheck (its seal does not match); nothing was decided. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>存储的政策版本 {row_version} 不是由 suitcheck 写入的（其封印不符）；未作任何决定。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>Report {before_id} was changed outside suitcheck; it is not changed further until compliance has investigated.</source>
        <translation>报告 {before_id} 在 suitcheck 之外被修改；合规调查完成前不再修改。</translation>
    </message>
    <message>
        <source>Report {report_id}&apos;s record was changed outside suitcheck; no distribution list is made for it until compliance has investigated (suitcheck audit verify).</source>
        <translation>报告 {report_id} 的记录在 suitcheck 之外被修改；合规调查完成前不为其生成分发名单（suitcheck audit verify）。</translation>
    </message>
    <message>
        <source>Report {report_id}&apos;s level was read by an older version of suitcheck and its stored file cannot be read again now; no distribution list is made for it until compliance rates it.</source>
        <translation>报告 {report_id} 的风险等级由旧版本读取，且其存储的原文件现在无法再次读取；在合规评级前不为其生成分发名单。</translation>
    </message>
    <message>
        <source>Writing the distribution list failed: its second process stopped before it finished; no file was written. Try again.</source>
        <translation>分发名单写入失败：第二个处理进程未完成就已停止；未写入任何文件。请重试。</translation>
    </message>
    <message>
        <source>Report {report_id}&apos;s risk level is now {level_code}, not the one shown; no list was written. Look at the level and write the list again.</source>
        <translation>研报 {report_id} 的风险等级现为 {level_code}，已不是所显示的等级；未写出名单。请查看该等级后重新写出名单。</translation>
    </message>
    <message>
        <source>Report {report_id} has no risk level now, not the one shown; no list was written. Look at the level and write the list again.</source>
        <translation>研报 {report_id} 现在没有风险等级（未评级），已不是所显示的等级；未写出名单。请查看该等级后重新写出名单。</translation>
    </message>
    <message>
        <source>A client&apos;s name holds a control or invisible character, or � (U+FFFD), which stands for text that could not be read; type the name again.</source>
        <translation>客户姓名含有控制字符、不可见字符，或代表无法读取文字的 � (U+FFFD)；请重新输入姓名。</translation>
    </message>
    <message>
        <source>An account number holds a full-width or other compatibility form of a character (８ for 8, Ａ for A); type it with ordinary half-width characters.</source>
        <translation>资金账号含有全角或其他兼容形式的字符（如用 ８ 代替 8、Ａ 代替 A）；请切换到半角后重新输入。</translation>
    </message>
    <message>
        <source>A user name holds a full-width or other compatibility form of a character (ｌ for l); type it with ordinary half-width characters.</source>
        <translation>用户名含有全角或其他兼容形式的字符（如用 ｌ 代替 l）；请切换到半角后重新输入。</translation>
    </message>
    <message>
        <source>An assessment date cannot be before the client was born (the birth date in the ID number); nothing was recorded.</source>
        <translation>测评日期不能早于客户出生日期（证件号码中的出生日期）；本次未记录任何内容。</translation>
    </message>
    <message>
        <source>Another desk changed this client&apos;s record since it was shown to you; nothing was recorded. Look at the client again and make your change again.</source>
        <translation>另一台终端在此客户的记录显示给您之后修改了它；本次未记录任何内容。请重新查看该客户，再做一次修改。</translation>
    </message>
    <message>
        <source>This client is a professional investor now: the suitability table does not apply to them, so there is no assessment result to confirm; no confirmation sheet was written.</source>
        <translation>该客户现为专业投资者，不适用适当性匹配表，没有需要确认的测评结果；未生成确认书。</translation>
    </message>
    <message>
        <source>This client&apos;s assessment of {assessed_on} has expired; assess the client again before they sign a confirmation. No confirmation sheet was written.</source>
        <translation>该客户 {assessed_on} 的测评已过期；请先重新测评，再请客户签署确认书。未生成确认书。</translation>
    </message>
    <message>
        <source>The client&apos;s record or the firm policy changed while the confirmation sheet was being written; no confirmation sheet was written. Write it again.</source>
        <translation>生成确认书期间，客户的记录或公司政策发生了变化；未生成确认书。请重新生成。</translation>
    </message>
    <message>
        <source>Policy version {current_version} was stored since you looked at version {based_on}; nothing was stored. Look at the current policy and make your change again.</source>
        <translation>自您查看第 {based_on} 版以来，已有人存入了政策第 {current_version} 版；本次未存入任何内容。请查看当前政策后重新修改。</translation>
    </message>
    <message>
        <source>The policy already has these subject keywords; no new version was stored.</source>
        <translation>政策已有这些主题关键词；未存入新版本。</translation>
    </message>
    <message>
        <source>The firm policy changed since the preview (version {previewed}, now {newest}); no change was stored from then on. Preview the re-reading again.</source>
        <translation>预览之后公司政策已变更（预览时为第 {previewed} 版，现为第 {newest} 版）；此后未保存任何变更。请重新预览。</translation>
    </message>
    <message>
        <source>The report is no longer in the store.</source>
        <translation>该研报已不在数据库中。</translation>
    </message>
    <message>
        <source>The report&apos;s record fails its integrity seal (it was changed outside suitcheck); it was not re-read. Every decision about it is blocked until compliance has investigated.</source>
        <translation>该研报记录未通过完整性校验（曾在 suitcheck 之外被修改），未重新识别。在合规调查之前，对它的每次判断都会被拦截。</translation>
    </message>
    <message>
        <source>The stored file no longer matches the file its record names (changed outside suitcheck); it was not re-read.</source>
        <translation>保存的文件与其记录所指的文件不符（曾在 suitcheck 之外被修改），未重新识别。</translation>
    </message>
    <message>
        <source>The stored file could not be read again: {exc}</source>
        <translation>无法重新读取保存的文件：{exc}</translation>
    </message>
    <message>
        <source>The report changed since the preview (rated, re-read or changed outside suitcheck); it was left as it is. Preview the re-reading again.</source>
        <translation>预览之后该研报已有变化（已评级、已重新识别或在 suitcheck 之外被修改），保持原样未改。请重新预览。</translation>
    </message>
    <message>
        <source>The subject table is not valid: {exc}.</source>
        <translation>主题关键词表无效：{exc}。</translation>
    </message>
    <message>
        <source>Cannot read the subject table {path_name}: it is larger than 10 MB; a subject table is a list of keywords.</source>
        <translation>无法读取主题关键词表 {path_name}：文件超过 10 MB；主题关键词表只是一份关键词清单。</translation>
    </message>
    <message>
        <source>Cannot read the subject table {path_name}: {reason}.</source>
        <translation>无法读取主题关键词表 {path_name}：{reason}。</translation>
    </message>
    <message>
        <source>Cannot read the subject table {path_name}: {exc}</source>
        <translation>无法读取主题关键词表 {path_name}：{exc}</translation>
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
        <source>The file&apos;s name is not UTF-8 text (a zip made on Windows may give such names); rename the file and import it again.</source>
        <translation>文件名不是 UTF-8 文本（在 Windows 上制作的压缩包解压后可能如此）；请重命名该文件后重新导入。</translation>
    </message>
    <message>
        <source>the keyword {word} holds control characters</source>
        <translation>关键词 {word} 含有控制字符</translation>
    </message>
    <message>
        <source>a keyword is empty</source>
        <translation>有关键词为空</translation>
    </message>
    <message>
        <source>the keyword {word} is shorter than 2 characters; it would be found in most reports</source>
        <translation>关键词 {word} 少于 2 个字符；大多数报告中都会出现它</translation>
    </message>
    <message>
        <source>the keyword {word} is longer than 20 characters</source>
        <translation>关键词 {word} 超过 20 个字符</translation>
    </message>
    <message>
        <source>{level} (for {word}) is not a risk level; use R1 to R5</source>
        <translation>{level}（关键词 {word}）不是风险等级；请使用 R1 至 R5</translation>
    </message>
    <message>
        <source>the keyword {word} is given twice</source>
        <translation>关键词 {word} 出现了两次</translation>
    </message>
    <message>
        <source>the subject table is empty; a report stated below its subject would never be flagged</source>
        <translation>主题关键词表为空；声明等级低于其主题的报告将永远不会被标记</translation>
    </message>
    <message>
        <source>the keyword {long} holds {short}, so a report naming it is matched at {level} at least; raise its level or leave it out</source>
        <translation>关键词 {long} 包含 {short}，提及它的报告至少按 {level} 匹配；请提高其等级或将其删除</translation>
    </message>
    <message>
        <source>line {number} has {count} cells; write each as keyword,level</source>
        <translation>第 {number} 行有 {count} 个单元格；每行请写为 关键词,风险等级</translation>
    </message>
    <message>
        <source>The file {path} cannot be read: {reason}.</source>
        <translation>无法读取文件 {path}：{reason}。</translation>
    </message>
    <message>
        <source>{path} is not a plain file (a device, a pipe or a socket); nothing was read.</source>
        <translation>{path} 不是普通文件（而是设备、管道或套接字）；未读取。</translation>
    </message>
    <message>
        <source>{path} is larger than 1 MB, far more than a questionnaire or its answers; nothing was read.</source>
        <translation>{path} 超过 1 MB，远大于任何问卷或答卷；未读取。</translation>
    </message>
    <message>
        <source>There is no policy version {version}.</source>
        <translation>没有第 {version} 版政策。</translation>
    </message>
    <message>
        <source>There is no audit entry {shown}.</source>
        <translation>没有编号为 {shown} 的审计记录。</translation>
    </message>
    <message>
        <source>There are no audit entries {shown}.</source>
        <translation>没有编号为 {shown} 的审计记录。</translation>
    </message>
    <message>
        <source>Replay either entries by number or a period (--since/--until), not both.</source>
        <translation>请按编号或按期间（--since/--until）重放审计记录，二者不可同时使用。</translation>
    </message>
    <message>
        <source>Name the entries to replay by number, or a period (--since/--until).</source>
        <translation>请给出要重放的审计记录编号，或一个期间（--since/--until）。</translation>
    </message>
    <message>
        <source>An audit entry&apos;s number is a whole number from 1.</source>
        <translation>审计记录编号是从 1 开始的整数。</translation>
    </message>
    <message>
        <source>Replay at most {MAX_SEQS} entries by number at once; name a period instead.</source>
        <translation>按编号一次最多重放 {MAX_SEQS} 条审计记录；请改为指定期间。</translation>
    </message>
    <message>
        <source>No risk level is stated; compliance must rate it before anyone may read it.</source>
        <translation>报告未注明风险等级；须经合规评级后方可阅读。</translation>
    </message>
    <message>
        <source>The report states two different risk levels for itself; compliance must rate it before anyone may read it.</source>
        <translation>报告对自身注明了两个不同的风险等级；须经合规评级后方可阅读。</translation>
    </message>
    <message>
        <source>The report says something about its own risk level that cannot be read as one level; compliance must rate it before anyone may read it.</source>
        <translation>报告关于自身风险等级的表述无法读作单一等级；须经合规评级后方可阅读。</translation>
    </message>
    <message>
        <source>{problem} The import stopped at {name}, the last file: the files before it are done as listed, and it was not imported; import it again later.</source>
        <translation>{problem} 导入在最后一个文件 {name} 处停止：之前的文件已按列表处理完毕，该文件未导入；请稍后重新导入。</translation>
    </message>
    <message>
        <source>{problem} The import stopped at {name}: the files before it are done as listed, and the {left} files from it on were not imported; import them again later (those already imported are recognised).</source>
        <translation>{problem} 导入在 {name} 处停止：之前的文件已按列表处理完毕，从该文件起的 {left} 个文件未导入；请稍后重新导入（已导入的文件会被识别出来）。</translation>
    </message>
    <message>
        <source>The store {where} was deleted, moved or replaced while suitcheck had it open, so nothing more is recorded; close suitcheck, put the store file back (or restore it from its backup) and start again.</source>
        <translation>存储 {where} 在 suitcheck 打开期间被删除、移走或替换，因此不再记录任何内容；请关闭 suitcheck，把存储文件放回原处（或从备份恢复），然后重新启动。</translation>
    </message>
    <message>
        <source>The database server for {where} accepts no changes (a read-only database, role or standby server); nothing was recorded.</source>
        <translation>{where} 的数据库服务器不接受任何更改（只读的数据库、角色或备用服务器）；未记录任何内容。</translation>
    </message>
    <message>
        <source>The database server for {where} ended this session because it stayed idle in the middle of its work (the computer was stopped, asleep or cut off); nothing was recorded.</source>
        <translation>{where} 的数据库服务器结束了本次会话：它在工作中途停顿过久（计算机被暂停、休眠或断网）；未记录任何内容。</translation>
    </message>
    <message>
        <source>The database server for {where} stopped this work before it finished (a time limit set on the server, or an administrator); nothing was recorded.</source>
        <translation>{where} 的数据库服务器在这项工作完成前将其中止（服务器设定的时间限制，或管理员所为）；未记录任何内容。</translation>
    </message>
    <message>
        <source>The connection to the database server for {where} was lost while it committed this work, so whether it was recorded is unknown; look in the audit trail before doing it again.</source>
        <translation>与 {where} 的数据库服务器的连接在提交这项操作时中断，无法确定它是否已被记录；请先查看审计记录，再决定是否重做。</translation>
    </message>
    <message>
        <source>{path_name} inflates beyond any workbook a spreadsheet program writes (a zip bomb?); it was not read.</source>
        <translation>{path_name} 解压后远超任何电子表格程序所写的工作簿（压缩炸弹？）；未读取。</translation>
    </message>
    <message>
        <source>{path_name} is not a client file: client files are .csv or .xlsx.</source>
        <translation>{path_name} 不是客户文件：客户文件须为 .csv 或 .xlsx。</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>文件为空。</translation>
    </message>
    <message>
        <source>The file {path_name} does not exist.</source>
        <translation>文件 {path_name} 不存在。</translation>
    </message>
    <message>
        <source>The file {path_name} cannot be read: permission denied.</source>
        <translation>无法读取文件 {path_name}：没有权限。</translation>
    </message>
    <message>
        <source>{path_name} is a folder, not a file.</source>
        <translation>{path_name} 是文件夹，不是文件。</translation>
    </message>
    <message>
        <source>The file {path_name} cannot be read: {exc_strerror}.</source>
        <translation>无法读取文件 {path_name}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The file has no header row.</source>
        <translation>文件没有表头行。</translation>
    </message>
    <message>
        <source>{path_name} is not a readable XLSX workbook.</source>
        <translation>{path_name} 不是可读取的 XLSX 工作簿。</translation>
    </message>
    <message>
        <source>The workbook has no sheet &apos;{sheet}&apos;; its sheets: {join_names}.</source>
        <translation>工作簿中没有工作表“{sheet}”；其工作表为：{join_names}。</translation>
    </message>
    <message>
        <source>The sheet &apos;{sheet}&apos; is a chart, not rows of clients; its sheets: {join_names}.</source>
        <translation>工作表“{sheet}”是图表，不是客户数据行；其工作表为：{join_names}。</translation>
    </message>
    <message>
        <source>The workbook shows no sheet of rows (its sheets: {join_names}); choose the sheet to import.</source>
        <translation>工作簿中没有显示的数据工作表（其工作表为：{join_names}）；请选择要导入的工作表。</translation>
    </message>
    <message>
        <source>The sheet &apos;{worksheet_title}&apos; holds formulas, whose values the file may hold out of date or not at all; save the sheet as values (or as a CSV file) and import that.</source>
        <translation>工作表“{worksheet_title}”含有公式，文件中保存的公式结果可能已过时或根本没有；请将该工作表另存为数值（或 CSV 文件）后再导入。</translation>
    </message>
    <message>
        <source>The sheet &apos;{worksheet_title}&apos; has no header row.</source>
        <translation>工作表“{worksheet_title}”没有表头行。</translation>
    </message>
    <message>
        <source>The CSV file is damaged after row {number}: {exc}.</source>
        <translation>CSV 文件在第 {number} 行之后已损坏：{exc}。</translation>
    </message>
    <message>
        <source>The CSV file is damaged at row {row}: {exc}.</source>
        <translation>CSV 文件第 {row} 行已损坏：{exc}。</translation>
    </message>
    <message>
        <source>a row holds more than 4 MiB of text</source>
        <translation>一行的文本超过 4 MiB</translation>
    </message>
    <message>
        <source>The file changed while it was read.</source>
        <translation>文件在读取过程中被改动。</translation>
    </message>
    <message>
        <source>The file {path_name} changed since it was checked; nothing was imported. Check it again before importing it.</source>
        <translation>文件 {path_name} 在检查之后被改动；未导入任何内容。请重新检查后再导入。</translation>
    </message>
    <message>
        <source>The workbook is damaged after row {number}.</source>
        <translation>工作簿在第 {number} 行之后已损坏。</translation>
    </message>
    <message>
        <source>A CSV file has no sheets; --sheet is for .xlsx files.</source>
        <translation>CSV 文件没有工作表；--sheet 仅用于 .xlsx 文件。</translation>
    </message>
    <message>
        <source>the file seems to be separated by semicolons: save it as comma- or tab-separated CSV</source>
        <translation>该文件似乎以分号分隔：请另存为以逗号或制表符分隔的 CSV 文件</translation>
    </message>
    <message>
        <source>the header is not on the first row (row {row} holds the column names): remove the rows above it</source>
        <translation>表头不在第一行（第 {row} 行是列名）：请删除其上方的行</translation>
    </message>
    <message>
        <source>The file has no column for: {join_columns_missing}; the file seems to be separated by semicolons: save it as comma- or tab-separated CSV.</source>
        <translation>文件中没有以下各项的列：{join_columns_missing}；该文件似乎以分号分隔：请另存为以逗号或制表符分隔的 CSV 文件。</translation>
    </message>
    <message>
        <source>The file has no column for: {join_columns_missing}; the header is not on the first row (row {row} holds the column names): remove the rows above it.</source>
        <translation>文件中没有以下各项的列：{join_columns_missing}；表头不在第一行（第 {row} 行是列名）：请删除其上方的行。</translation>
    </message>
    <message>
        <source>The column &apos;{header}&apos; may hold {fact}, but the import does not know that name and would leave it unread; nothing was imported. The names it knows for {fact}: {known}. Name the column in a mapping file (--mapping: &quot;{header}&quot; = &quot;{field}&quot;), or, if it holds something else, &quot;{header}&quot; = &quot;ignore&quot;.</source>
        <translation>列“{header}”可能含有{fact}，但导入不认识这个列名，会不读取它；未导入任何内容。{fact}的已知列名：{known}。请在映射文件中指定此列（--mapping：&quot;{header}&quot; = &quot;{field}&quot;），如果它是其他内容，则写 &quot;{header}&quot; = &quot;ignore&quot;。</translation>
    </message>
    <message>
        <source>A client in the lowest risk-tolerance category cannot stay a professional investor: change the class in the same edit (investor edit --class ordinary --lowest-category); nothing was recorded.</source>
        <translation>风险承受能力最低类别的客户不能仍为专业投资者：请在同一次修改中改变投资者类别（investor edit --class ordinary --lowest-category）；未作任何记录。</translation>
    </message>
    <message>
        <source>The client is under 18 (the birth date in the ID number), so enters the lowest risk-tolerance category: risk profile C1, never a professional investor; nothing was recorded. For a 16- or 17-year-old living on their own labour income, compliance lifts the category once the client is entered, with a reason (investor edit --no-lowest-category --reason ...).</source>
        <translation>该客户未满18周岁（按证件号码中的出生日期），归入风险承受能力最低类别：风险承受能力为C1，不能为专业投资者；未记录任何内容。以自己的劳动收入为主要生活来源的16至17周岁客户，由合规人员在录入客户后说明理由解除该类别（investor edit --no-lowest-category --reason ...）。</translation>
    </message>
    <message>
        <source>This client is under 18 (the birth date in the ID number), so is in the lowest risk-tolerance category and the profile is C1 (not {profile}); nothing was recorded. For a 16- or 17-year-old living on their own labour income, compliance lifts the category first, with a reason (investor edit --no-lowest-category --reason ...).</source>
        <translation>该客户未满18周岁（按证件号码中的出生日期），属于风险承受能力最低类别，风险承受能力为C1（而非{profile}）；未记录任何内容。以自己的劳动收入为主要生活来源的16至17周岁客户，由合规人员先说明理由解除该类别（investor edit --no-lowest-category --reason ...）。</translation>
    </message>
    <message>
        <source>The period ends after today ({today}); choose a period that has ended.</source>
        <translation>检查期间的结束日期晚于今天（{today}）；请选择已经结束的期间。</translation>
    </message>
    <message>
        <source>stated {level}, subject implies {subject}</source>
        <translation>研报自述 {level}，主题对应 {subject}</translation>
    </message>
    <message>
        <source>stated {level}, subject implies {subject} (subject table of policy version {version})</source>
        <translation>研报自述 {level}，主题对应 {subject}（第 {version} 版政策的主题关键词表）</translation>
    </message>
    <message>
        <source>rated {level}, subject implies {subject} (subject table of policy version {version})</source>
        <translation>合规评定 {level}，主题对应 {subject}（第 {version} 版政策的主题关键词表）</translation>
    </message>
    <message>
        <source>rated {level} by compliance, subject implies {subject}: {note}</source>
        <translation>合规评定为 {level}，主题对应 {subject}：{note}</translation>
    </message>
    <message>
        <source>imported as {level} by an older version; its stored file is missing</source>
        <translation>由旧版本导入为 {level}；其存储的原文件缺失</translation>
    </message>
    <message>
        <source>imported as {level} by an older version; its stored file is not the one its record names</source>
        <translation>由旧版本导入为 {level}；其存储的原文件与记录所指的文件不符</translation>
    </message>
    <message>
        <source>imported as {level} by an older version; its stored file cannot be read now</source>
        <translation>由旧版本导入为 {level}；其存储的原文件现在无法读取</translation>
    </message>
    <message>
        <source>the report states different levels for itself: {levels}</source>
        <translation>研报自述了不同的风险等级：{levels}</translation>
    </message>
    <message>
        <source>There is no questionnaire version {expected_version}: the current one is version {questionnaire_version}; nothing was recorded.</source>
        <translation>没有第 {expected_version} 版问卷：现行问卷为第 {questionnaire_version} 版；未作任何记录。</translation>
    </message>
    <message>
        <source>The assessment is dated {day}, before questionnaire version {questionnaire_version} came into use on {since}: the client answered an earlier version, and answers are scored only on the current one; nothing was recorded.</source>
        <translation>评估日期为 {day}，早于第 {questionnaire_version} 版问卷启用之日 {since}：客户作答的是更早的版本，而答案只按现行版本计分；未作任何记录。</translation>
    </message>
    <message>
        <source>The audit trail records importing questionnaire version {recorded}, but the store&apos;s newest is version {newest}: the newer one was removed outside suitcheck, and nothing was assessed. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>审计记录显示已导入第 {recorded} 版问卷，但数据库中最新的是第 {newest} 版：较新的版本已在 suitcheck 之外被删除，未作任何评估。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>A password must not hold a line break, a tab or another control character: no login could type it.</source>
        <translation>密码不得包含换行符、制表符或其他控制字符：登录时无法输入这样的密码。</translation>
    </message>
    <message>
        <source>A report&apos;s level decides for every branch: only firm-wide (head-office) compliance may rate, correct or re-read reports.</source>
        <translation>研报的风险等级对所有营业部生效：只有总部（全公司范围）的合规人员可以评级、更正或重新读取研报。</translation>
    </message>
    <message>
        <source>A report decides for every branch: only firm-wide (head-office) compliance may settle a report&apos;s record.</source>
        <translation>研报对所有营业部生效：只有总部（全公司范围）的合规人员可以确认研报的记录。</translation>
    </message>
    <message>
        <source>The account changed while its new password was being set; nothing was changed. Try again.</source>
        <translation>设置新密码期间该账户发生了变化；未做任何更改。请重试。</translation>
    </message>
    <message>
        <source>Your role may not change the policy.</source>
        <translation>您的角色不能修改适当性政策。</translation>
    </message>
    <message>
        <source>The list is longer than the {room} rows an XLSX sheet has room for below its heading; nothing was written. Write it as a CSV file.</source>
        <translation>名单超过 XLSX 工作表在表头以下可容纳的 {room} 行；未写入任何文件。请写成 CSV 文件。</translation>
    </message>
    <message>
        <source>The export holds more entries than the {room} an XLSX sheet has room for below its heading; nothing was written. Export them as CSV or JSONL, or a shorter date range as XLSX.</source>
        <translation>导出的记录多于 XLSX 工作表在表头以下可容纳的 {room} 条；未写入任何文件。请导出为 CSV 或 JSONL，或缩短日期范围后导出为 XLSX。</translation>
    </message>
    <message>
        <source>There are more clients than the {room} rows an XLSX sheet has room for below its heading; nothing was written. Export the clients to a .csv file.</source>
        <translation>客户数量超过 XLSX 工作表在表头以下可容纳的 {room} 行；未写入任何文件。请将客户导出为 .csv 文件。</translation>
    </message>
    <message>
        <source>The report {out} would list more rows than an XLSX sheet holds ({rows}); nothing was imported. Import again without a report.</source>
        <translation>报告 {out} 的行数将超过 XLSX 工作表的容量（{rows} 行）；未导入任何内容。请不生成报告重新导入。</translation>
    </message>
    <message>
        <source>The {column} of the row with {key} {value} is longer than the {limit} characters an XLSX cell holds; nothing was written. Write it as a CSV file.</source>
        <translation>{key} 为 {value} 的行中的 {column} 超过 XLSX 单元格可容纳的 {limit} 个字符；未写入任何文件。请写成 CSV 文件。</translation>
    </message>
    <message>
        <source>The client &apos;{account}&apos; holds a text longer than the {limit} characters an XLSX cell holds; export the clients to a .csv file.</source>
        <translation>客户“{account}”含有超过 XLSX 单元格可容纳的 {limit} 个字符的文字；请将客户导出为 .csv 文件。</translation>
    </message>
    <message>
        <source>&apos;{column}&apos; is not a column of a client&apos;s record that --was can name (name, id_number).</source>
        <translation>“{column}”不是 --was 可指明的客户记录字段（name、id_number）。</translation>
    </message>
    <message>
        <source>--was names {column} twice.</source>
        <translation>--was 两次指明了 {column}。</translation>
    </message>
    <message>
        <source>--was takes COLUMN=VALUE (name=... or id_number=...), not &apos;{item}&apos;.</source>
        <translation>--was 的格式为 字段=值（name=... 或 id_number=...），而不是“{item}”。</translation>
    </message>
    <message>
        <source>A report&apos;s sealed columns are all facts its decisions or lists read (level, rating, file, findings); none can be named as changed outside suitcheck. Nothing was settled.</source>
        <translation>研报受封印的字段都是判定或名单所读取的事实（等级、评级、文件、合规发现），均不能被指明为在 suitcheck 之外被修改。未作任何确认。</translation>
    </message>
    <message>
        <source>Another client holds the ID number of client {account}; nothing was settled. An ID number belongs to one client: have it put right first.</source>
        <translation>另一客户持有客户 {account} 的证件号码；未作任何确认。一个证件号码只属于一位客户：请先予以更正。</translation>
    </message>
    <message>
        <source>Give the reason for settling the record (at least {MIN_REASON} characters, recorded in the trail), e.g. &quot;DBA fixed a typo in the name, ticket 4711; checked against the account opening form&quot;.</source>
        <translation>请说明确认该记录的理由（至少 {MIN_REASON} 个字符，记入审计日志），例如“数据库管理员更正了姓名中的错字，工单 4711；已与开户资料核对”。</translation>
    </message>
    <message>
        <source>Name the record to settle: a client (--investor) or a report (--report).</source>
        <translation>请指明要确认的记录：客户（--investor）或研报（--report）。</translation>
    </message>
    <message>
        <source>The audit trail does not verify, so what it records cannot be believed; nothing was settled. Run `suitcheck audit verify` and investigate that first.</source>
        <translation>审计日志未通过校验，其记录不可采信；未作任何确认。请先运行 `suitcheck audit verify` 并进行调查。</translation>
    </message>
    <message>
        <source>The audit trail records no state for client {key}: suitcheck never wrote the record (it was added outside suitcheck), so there is nothing to settle it against; nothing was settled.</source>
        <translation>审计日志中没有客户 {key} 的状态记录：该记录并非由 suitcheck 写入（系在 suitcheck 之外添加），无可据以确认；未作任何确认。</translation>
    </message>
    <message>
        <source>The audit trail records no state for report {key}: suitcheck never wrote the record (it was added outside suitcheck), so there is nothing to settle it against; nothing was settled.</source>
        <translation>审计日志中没有研报 {key} 的状态记录：该记录并非由 suitcheck 写入（系在 suitcheck 之外添加），无可据以确认；未作任何确认。</translation>
    </message>
    <message>
        <source>The newest record of client {key}&apos;s state (entry {seq}) is not one this desk can vouch for (another installation&apos;s entry awaiting its seal, or one this desk does not trust); nothing was settled. Try again once that installation has sealed, or is trusted here.</source>
        <translation>客户 {key} 状态的最新记录（第 {seq} 条）不是本机可以担保的记录（另一安装实例尚待封印的条目，或本机不信任的实例的条目）；未作任何确认。请在该实例封印后或在本机信任它后重试。</translation>
    </message>
    <message>
        <source>The newest record of report {key}&apos;s state (entry {seq}) is not one this desk can vouch for (another installation&apos;s entry awaiting its seal, or one this desk does not trust); nothing was settled. Try again once that installation has sealed, or is trusted here.</source>
        <translation>研报 {key} 状态的最新记录（第 {seq} 条）不是本机可以担保的记录（另一安装实例尚待封印的条目，或本机不信任的实例的条目）；未作任何确认。请在该实例封印后或在本机信任它后重试。</translation>
    </message>
    <message>
        <source>The ID number client {key} now holds gives another birth date than the record&apos;s, which decisions read (the special-attention age) and settling never changes: sealed, the client would be decided on an age their ID number contradicts. Nothing was settled; have the client&apos;s own ID number put back, then settle it.</source>
        <translation>客户 {key} 现持有的证件号码所示出生日期与记录中的出生日期不同；决策读取记录中的出生日期（特别关注年龄），确认不会更改它：若予封印，将按其证件号码所否定的年龄对该客户作出判定。未作任何确认；请恢复该客户本人的证件号码，然后再确认。</translation>
    </message>
    <message>
        <source>The ID number client {key} now holds is not one suitcheck writes (not a valid number, or not in its form of 18 characters with an upper-case X): a search by the number would not find the client, and the same person could be added again. Nothing was settled; have the number put right, then settle it.</source>
        <translation>客户 {key} 现持有的证件号码不是 suitcheck 会写入的号码（不是有效号码，或不是 18 位、X 大写的形式）：按该号码查询将找不到该客户，同一人也可能被再次添加。未作任何确认；请先更正该号码，然后再确认。</translation>
    </message>
    <message>
        <source>The name client {key} now holds is not one suitcheck writes (empty, over 128 characters, or with a control or invisible character, which shows the name as another): settling seals it as it stands. Nothing was settled; have the name put right, then settle it.</source>
        <translation>客户 {key} 现持有的姓名不是 suitcheck 会写入的姓名（为空、超过 128 个字符，或含有会使姓名显示为他人的控制字符或不可见字符）：确认会按原样封印它。未作任何确认；请先更正姓名，然后再确认。</translation>
    </message>
    <message>
        <source>The record changed since it was shown to you; nothing was settled. Look at it again (`suitcheck audit settle` without --yes shows it) and settle it again.</source>
        <translation>该记录在向您显示后已被修改；未作任何确认。请重新查看（不带 --yes 运行 `suitcheck audit settle` 会显示它），然后再次确认。</translation>
    </message>
    <message>
        <source>The record holds {column} as you give it: say the value it held before the change.</source>
        <translation>记录中的 {column} 与您给出的值相同：请给出修改之前的值。</translation>
    </message>
    <message>
        <source>The record of client {key} holds a value suitcheck never writes (a profile or class it does not know, a date or flag written otherwise, bytes): sealing it would not make it decidable. Nothing was settled; have the value put back as the trail recorded it (the client&apos;s entries in `suitcheck audit export --investor ID` say what it was), then settle it.</source>
        <translation>客户 {key} 的记录含有 suitcheck 从不写入的值（未知的风险类型或投资者类别、以其他形式写入的日期或标志、字节）：封印它也无法据以判定。未作任何确认；请将该值恢复为审计日志所记录的值（`suitcheck audit export --investor ID` 中该客户的条目载明原值），然后再确认。</translation>
    </message>
    <message>
        <source>The record of client {key} is not the state the trail last recorded for it: a fact decisions read (profile, assessment date, class, a flag, branch, birth date), or the name or ID number, was changed outside suitcheck, and settling it would put that change under the seal. Nothing was settled. Have every such fact put back as the trail recorded it (the client&apos;s entries in `suitcheck audit export --investor ID` say what they were); where only the name or ID number was corrected, give the value it held before with --was name=... or --was id_number=...; then settle, and change the rest through suitcheck.</source>
        <translation>客户 {key} 的记录不是审计日志最后记录的状态：判定所读取的事实（风险类型、测评日期、投资者类别、某个标志、营业部、出生日期）或姓名、证件号码在 suitcheck 之外被修改，确认它将把该修改置于封印之下。未作任何确认。请将每项此类事实恢复为审计日志所记录的值（`suitcheck audit export --investor ID` 中该客户的条目载明原值）；如仅更正了姓名或证件号码，请用 --was name=... 或 --was id_number=... 给出原值；然后确认，其余修改通过 suitcheck 进行。</translation>
    </message>
    <message>
        <source>The record of client {key} is not the state the trail last recorded for it: it holds profile {profile} of {day}, and the trail&apos;s assessments give {recorded_profile} of {recorded_day}. Settling it would put that change under the seal; nothing was settled. Have the profile and its date put back as the trail recorded them, then settle, and record a new assessment through suitcheck (`investor assess`).</source>
        <translation>客户 {key} 的记录不是审计日志最后记录的状态：记录中为 {day} 的 {profile}，而审计日志中的测评为 {recorded_day} 的 {recorded_profile}。确认它将把该修改置于封印之下；未作任何确认。请将风险类型及其日期恢复为审计日志所记录的值，然后确认，再通过 suitcheck 记录新的测评（`investor assess`）。</translation>
    </message>
    <message>
        <source>The record of client {key} is sealed by installation {by}, which this desk does not trust; nothing was settled. Once compliance has filed its key: `suitcheck audit key trust {by}`.</source>
        <translation>客户 {key} 的记录由本机不信任的安装实例 {by} 封印；未作任何确认。待合规存档其密钥后：`suitcheck audit key trust {by}`。</translation>
    </message>
    <message>
        <source>The record of client {key} matches its seal: there is nothing to settle.</source>
        <translation>客户 {key} 的记录与其封印相符：无需确认。</translation>
    </message>
    <message>
        <source>The record of report {key} holds a value suitcheck never writes (a level it does not know, bytes): sealing it would not make it decidable. Nothing was settled; have the value put back as the trail recorded it (the report&apos;s import and rating entries say what it was), then settle it.</source>
        <translation>研报 {key} 的记录含有 suitcheck 从不写入的值（未知的风险等级、字节）：封印它也无法据以判定。未作任何确认；请将该值恢复为审计日志所记录的值（该研报的导入和评级条目载明原值），然后再确认。</translation>
    </message>
    <message>
        <source>The record of report {key} is not the state the trail last recorded for it: its level, the subject&apos;s level, its rating, its file or its findings were changed outside suitcheck, and settling it would put that change under the seal (a level lowered in SQL would be served as rated). Nothing was settled. Have it put back as the trail recorded it (the report&apos;s import, rating and finding entries in `suitcheck audit export --report ID` say what it was), then settle it; a new level is set through suitcheck (`report rate`).</source>
        <translation>研报 {key} 的记录不是审计日志最后记录的状态：其风险等级、主题对应等级、评级、文件或合规发现在 suitcheck 之外被修改，确认它将把该修改置于封印之下（在 SQL 中调低的等级将被当作已评定的等级使用）。未作任何确认。请将其恢复为审计日志所记录的状态（`suitcheck audit export --report ID` 中该研报的导入、评级和合规发现条目载明原状），然后确认；新的等级须通过 suitcheck 设定（`report rate`）。</translation>
    </message>
    <message>
        <source>The record of report {key} is sealed by installation {by}, which this desk does not trust; nothing was settled. Once compliance has filed its key: `suitcheck audit key trust {by}`.</source>
        <translation>研报 {key} 的记录由本机不信任的安装实例 {by} 封印；未作任何确认。待合规存档其密钥后：`suitcheck audit key trust {by}`。</translation>
    </message>
    <message>
        <source>The record of report {key} matches its seal: there is nothing to settle.</source>
        <translation>研报 {key} 的记录与其封印相符：无需确认。</translation>
    </message>
    <message>
        <source>{column} is a fact decisions read: a change to it made outside suitcheck is never settled. Have it put back as the trail recorded it, settle the record, then change it through suitcheck (`investor assess`, `investor edit`). Nothing was settled.</source>
        <translation>{column} 是判定所读取的事实：在 suitcheck 之外对它的修改永远不予确认。请将其恢复为审计日志所记录的值，确认该记录，再通过 suitcheck 修改（`investor assess`、`investor edit`）。未作任何确认。</translation>
    </message>
    <message>
        <source>The export&apos;s temporary part file in the target folder was changed by another program before it was added; nothing was written. Export to a folder only you can write to.</source>
        <translation>导出在目标文件夹中的临时分段文件在并入前被其他程序改动；未写入任何文件。请导出到只有您可以写入的文件夹。</translation>
    </message>
    <message>
        <source>Give the reason for the clock correction (recorded in the trail), e.g. &quot;clock ran a year ahead after the BIOS battery was replaced&quot;.</source>
        <translation>请给出时钟更正的原因（记入审计日志），例如“更换主板电池后时钟快了一年”。</translation>
    </message>
    <message>
        <source>The audit trail holds no entry whose moment can be read; there is nothing to correct and nothing was recorded.</source>
        <translation>审计日志中没有可读取时间的记录，无需更正，未记录任何内容。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock reads {clock}, not earlier than the newest entry of the audit trail (entry {seq}, {newest}); there is nothing to correct and nothing was recorded.</source>
        <translation>本机时钟显示 {clock}，并不早于审计日志的最新记录（第 {seq} 条，{newest}），无需更正，未记录任何内容。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock reads {clock}, earlier than the newest entry of the audit trail (entry {seq}, {newest}); nothing was done. Correct the computer&apos;s clock and try again. If that entry was recorded while the clock ran ahead, an administrator records the correction: `suitcheck audit clock-correct --reason REASON`.</source>
        <translation>本机时钟显示 {clock}，早于审计日志的最新记录（第 {seq} 条，{newest}），本次操作未执行。请校正本机时钟后重试。如果该记录是在时钟走快时记下的，由管理员记录时钟更正：`suitcheck audit clock-correct --reason 原因`。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock reads {clock}, but the database server&apos;s clock reads {server}; nothing was done. Correct the computer&apos;s clock and try again.</source>
        <translation>本机时钟显示 {clock}，而数据库服务器的时钟显示 {server}，本次操作未执行。请校正本机时钟后重试。</translation>
    </message>
    <message>
        <source>The workbook {path_name} holds a drawing, picture, chart, embedded object, control or comment ({part}), which can show text over its cells; it was edited.</source>
        <translation>工作簿 {path_name} 含有绘图、图片、图表、嵌入对象、控件或批注（{part}），可能在单元格上显示其他文字；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} hides rows or columns from whoever opens it (hidden, or too narrow to read), which can keep an entry out of sight; it was edited.</source>
        <translation>工作簿 {path_name} 对打开它的人隐藏了行或列（设为隐藏，或窄得无法阅读），可能使某条记录不被看到；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} hides rows or columns from whoever opens it (a print area), which can keep an entry out of sight; it was edited.</source>
        <translation>工作簿 {path_name} 对打开它的人隐藏了行或列（设置了打印区域），可能使某条记录不被看到；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives cells a font or fill that can hide their text (white, the background&apos;s colour, too small, or a dark fill); it was edited.</source>
        <translation>工作簿 {path_name} 为单元格设置了可能隐藏其文字的字体或填充（白色、背景色、字号过小或深色填充）；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} takes its styles or theme from a part other than the one verified here; it was edited.</source>
        <translation>工作簿 {path_name} 的样式或主题取自本次校验所读部件以外的部件；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} shows its cells from a part other than the one verified here (a second workbook or shared strings part); it was edited.</source>
        <translation>工作簿 {path_name} 显示的单元格取自本次校验所读部件以外的部件（第二个工作簿部件或共享字符串部件）；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives cells an alignment that can move their text out of sight (an indent or a rotation); it was edited.</source>
        <translation>工作簿 {path_name} 为单元格设置了可使其文字移出视线的对齐方式（缩进或旋转）；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives a cell in row {number} a style it does not define; it was edited.</source>
        <translation>工作簿 {path_name} 为第 {number} 行的单元格指定了其中未定义的样式；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives cells a cell style that can show them otherwise than they hold; it was edited.</source>
        <translation>工作簿 {path_name} 为单元格设置了可能使其显示内容与实际内容不符的单元格样式；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} lays a table over its cells, whose style can hide their text; it was edited.</source>
        <translation>工作簿 {path_name} 在单元格上覆盖了表格，其样式可能隐藏单元格文字；文件已被修改。</translation>
    </message>
    <message>
        <source>The workbook {path_name} gives part of a cell&apos;s text a font that can hide it (white, the background&apos;s colour or too small) or a phonetic guide that shows other text over it; it was edited.</source>
        <translation>工作簿 {path_name} 为单元格的部分文字设置了可能隐藏它的字体（白色、背景色或字号过小），或设置了在其上显示其他文字的注音；文件已被修改。</translation>
    </message>
    <message>
        <source>Writing the distribution list failed: its temporary part file in the target folder was changed by another program; no file was written. Write the list to a folder only you can write to.</source>
        <translation>分发名单写入失败：目标文件夹中的临时分段文件被其他程序改动；未写入任何文件。请将名单写到只有您可以写入的文件夹。</translation>
    </message>
    <message>
        <source>What the distribution list was made from changed while it was being made (audit entry {moved}: the report, the firm policy, a client or your account); nothing was recorded and no list was written. Make the list again.</source>
        <translation>生成分发名单期间，名单所依据的内容发生了变化（审计记录第 {moved} 条：研报、公司政策、客户或您的账户）；本次未记录任何内容，也未写出名单。请重新生成名单。</translation>
    </message>
    <message>
        <source>What the client export was made from changed while it was being written (audit entry {moved}: a client moved to another branch, or your account); nothing was recorded and no file was written. Export again.</source>
        <translation>导出客户期间，导出所依据的内容发生了变化（审计记录第 {moved} 条：客户转至其他营业部，或您的账户）；本次未记录任何内容，也未写出文件。请重新导出。</translation>
    </message>
    <message>
        <source>&apos;{text_ref}&apos; is both an account number and another client&apos;s id; give the account number with a leading &apos;acct:&apos;.</source>
        <translation>“{text_ref}”既是资金账号，又是另一客户的编号；请在资金账号前加“acct:”。</translation>
    </message>
    <message>
        <source>No client has the account number or id &apos;{text_ref}&apos;.</source>
        <translation>没有资金账号或编号为“{text_ref}”的客户。</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a risk profile (C1 to C5).</source>
        <translation>“{text}”不是风险承受能力等级（C1 至 C5）。</translation>
    </message>
    <message>
        <source>An account number is 1 to 32 characters.</source>
        <translation>资金账号为 1 至 32 个字符。</translation>
    </message>
    <message>
        <source>A client&apos;s name is 1 to 128 characters.</source>
        <translation>客户姓名为 1 至 128 个字符。</translation>
    </message>
    <message>
        <source>An account number holds a character that does not show as itself (a control or invisible character, or � (U+FFFD) for text that could not be read); type it again.</source>
        <translation>资金账号含有无法如实显示的字符（控制字符、不可见字符，或代表无法读取文字的 � (U+FFFD)）；请重新输入。</translation>
    </message>
    <message>
        <source>A profile needs its assessment date, and an assessment date needs a profile.</source>
        <translation>风险承受能力需有测评日期，测评日期也需有风险承受能力。</translation>
    </message>
    <message>
        <source>An assessment date cannot be in the future.</source>
        <translation>测评日期不能晚于今天。</translation>
    </message>
    <message>
        <source>The ID number is not valid: {exc}.</source>
        <translation>身份证号无效：{exc}。</translation>
    </message>
    <message>
        <source>A client with account number &apos;{account}&apos; already exists.</source>
        <translation>资金账号为“{account}”的客户已存在。</translation>
    </message>
    <message>
        <source>A client with this ID number already exists.</source>
        <translation>该身份证号的客户已存在。</translation>
    </message>
    <message>
        <source>Say why the client leaves the lowest risk-tolerance category.</source>
        <translation>请说明客户为何不再属于风险承受能力最低类别。</translation>
    </message>
    <message>
        <source>Nothing to change.</source>
        <translation>没有需要修改的内容。</translation>
    </message>
    <message>
        <source>Say where the assessment was made (a note) when recording a profile without answers.</source>
        <translation>不附问卷答案记录风险承受能力时，请（在备注中）说明测评在何处进行。</translation>
    </message>
    <message>
        <source>Professional investors are not assessed; change the class first.</source>
        <translation>专业投资者无需测评；请先更改投资者类别。</translation>
    </message>
    <message>
        <source>{exc} Nothing was recorded.</source>
        <translation>{exc} 未作任何记录。</translation>
    </message>
    <message>
        <source>Say what changed in the client&apos;s situation (a reason).</source>
        <translation>请说明客户情况发生了什么变化（原因）。</translation>
    </message>
    <message>
        <source>A re-assessment is already due for this client.</source>
        <translation>该客户已处于待重新测评状态。</translation>
    </message>
    <message>
        <source>The policy change is not valid: {exc}.</source>
        <translation>政策修改无效：{exc}。</translation>
    </message>
    <message>
        <source>This questionnaire is already the current version ({current_version}).</source>
        <translation>此问卷已是当前版本（{current_version}）。</translation>
    </message>
    <message>
        <source>its checksum does not match the one recorded when it was imported</source>
        <translation>其校验和与导入时记录的不一致</translation>
    </message>
    <message>
        <source>There is no questionnaire version {version}.</source>
        <translation>没有第 {version} 版问卷。</translation>
    </message>
    <message>
        <source>The stored questionnaire version {row_version} was not written by suitcheck (its seal does not match); nothing was assessed with it. Compliance must run `suitcheck audit verify` and investigate.</source>
        <translation>存储的问卷版本 {row_version} 不是由 suitcheck 写入的（其封印不符）；未用它作任何测评。合规须运行 `suitcheck audit verify` 并调查。</translation>
    </message>
    <message>
        <source>The stored questionnaire version {row_version} is damaged ({str_exc_rstrip}); nothing was assessed with it.</source>
        <translation>已存储的第 {row_version} 版问卷已损坏（{str_exc_rstrip}）；未用它进行任何测评。</translation>
    </message>
    <message>
        <source>The questionnaire was not imported: {str_exc_0_lower}{str_exc_1}</source>
        <translation>问卷未导入：{str_exc_0_lower}{str_exc_1}</translation>
    </message>
    <message>
        <source>No report has the id &apos;{text_ref}&apos;.</source>
        <translation>没有编号为“{text_ref}”的研报。</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a risk level (R1 to R5).</source>
        <translation>“{text}”不是风险等级（R1 至 R5）。</translation>
    </message>
    <message>
        <source>Say why the finding is resolved.</source>
        <translation>请说明该问题为何已解决。</translation>
    </message>
    <message>
        <source>Report {report_id} has no finding {finding_id}.</source>
        <translation>研报 {report_id} 没有编号为 {finding_id} 的问题。</translation>
    </message>
    <message>
        <source>Only {join_CORRECTABLE} can be corrected this way.</source>
        <translation>只有 {join_CORRECTABLE} 可以这样更正。</translation>
    </message>
    <message>
        <source>A date is written YYYY-MM-DD.</source>
        <translation>日期格式为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <source>A report needs a title.</source>
        <translation>研报需要标题。</translation>
    </message>
    <message>
        <source>Say why the report&apos;s details are corrected.</source>
        <translation>请说明更正研报信息的理由。</translation>
    </message>
    <message>
        <source>The store {where} is a folder, not a database file.</source>
        <translation>数据库 {where} 是文件夹，不是数据库文件。</translation>
    </message>
    <message>
        <source>The store {where} is locked by another program; try again in a moment.</source>
        <translation>存储 {where} 正被其他程序锁定；请稍后再试。</translation>
    </message>
    <message>
        <source>The store {where} is read-only; check the file permissions.</source>
        <translation>存储 {where} 为只读；请检查文件权限。</translation>
    </message>
    <message>
        <source>The file {where} is not a suitcheck store or it is damaged.</source>
        <translation>文件 {where} 不是 suitcheck 存储，或已损坏。</translation>
    </message>
    <message>
        <source>The store {where} cannot be opened; check that the folder exists and is writable.</source>
        <translation>无法打开存储 {where}；请检查文件夹是否存在且可写入。</translation>
    </message>
    <message>
        <source>The database server for {where} cannot be reached.</source>
        <translation>无法连接 {where} 的数据库服务器。</translation>
    </message>
    <message>
        <source>The disk holding {where} is full.</source>
        <translation>存放 {where} 的磁盘已满。</translation>
    </message>
    <message>
        <source>The store {where} failed: {detail}</source>
        <translation>存储 {where} 出错：{detail}</translation>
    </message>
    <message>
        <source>The folder for the store {where} cannot be created: {exc_strerror}.</source>
        <translation>无法创建数据库 {where} 所在的文件夹：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The store {where} cannot be created: {exc_strerror}.</source>
        <translation>无法创建数据库 {where}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The store address {where} uses an unsupported database driver.</source>
        <translation>数据库地址 {where} 使用了不支持的数据库驱动。</translation>
    </message>
    <message>
        <source>The store {where} is damaged ({rows_0}); restore it from a backup.</source>
        <translation>数据库 {where} 已损坏（{rows_0}）；请从备份恢复。</translation>
    </message>
    <message>
        <source>The store address is not a valid database URL.</source>
        <translation>数据库地址不是有效的数据库 URL。</translation>
    </message>
    <message>
        <source>The store address is not a valid database URL: a server&apos;s is written postgresql://USER@HOST/DATABASE (a file&apos;s is its path).</source>
        <translation>数据库地址不是有效的数据库 URL：服务器的地址写作 postgresql://用户@主机/数据库（文件的地址即其路径）。</translation>
    </message>
    <message>
        <source>The mapping file {path_name} cannot be read: {exc_strerror}.</source>
        <translation>无法读取映射文件 {path_name}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>The mapping file {path_name} is not text (UTF-8, GBK or UTF-16).</source>
        <translation>映射文件 {path_name} 不是文本（UTF-8、GBK 或 UTF-16）。</translation>
    </message>
    <message>
        <source>The mapping file {path_name} is larger than 1 MB; a mapping names a few columns.</source>
        <translation>映射文件 {path_name} 大于 1 MB；映射文件只列出几个列名。</translation>
    </message>
    <message>
        <source>The report is an .xlsx file (for example --report import-report.xlsx).</source>
        <translation>报告须为 .xlsx 文件（例如 --report import-report.xlsx）。</translation>
    </message>
    <message>
        <source>Export clients to a .csv or .xlsx file.</source>
        <translation>请将客户导出为 .csv 或 .xlsx 文件。</translation>
    </message>
    <message>
        <source>The file has no column for: {join_columns_missing} (give the header names with --mapping).</source>
        <translation>文件中没有以下各项的列：{join_columns_missing}（请用 --mapping 指定表头名称）。</translation>
    </message>
    <message>
        <source>More than one column maps to: {join_columns_ambiguous}.</source>
        <translation>有多列对应到：{join_columns_ambiguous}。</translation>
    </message>
    <message>
        <source>Cannot write the report {out}: {exc_strerror}; nothing was imported.</source>
        <translation>无法写入报告 {out}：{exc_strerror}；未导入任何内容。</translation>
    </message>
    <message>
        <source>Cannot write {out}: {exc_strerror}.</source>
        <translation>无法写入 {out}：{exc_strerror}。</translation>
    </message>
    <message>
        <source>A client in the lowest risk-tolerance category has risk profile C1, not {shown}; nothing was recorded.</source>
        <translation>风险承受能力最低类别的客户，其风险承受能力为 C1，而不是 {shown}；未作任何记录。</translation>
    </message>
    <message>
        <source>A client in the lowest risk-tolerance category cannot be a professional investor; nothing was recorded.</source>
        <translation>风险承受能力最低类别的客户不能是专业投资者；未作任何记录。</translation>
    </message>
    <message>
        <source>A client in the lowest risk-tolerance category cannot be made a professional investor: {LIFT_FIRST}.</source>
        <translation>风险承受能力最低类别的客户不能改为专业投资者：{LIFT_FIRST}。</translation>
    </message>
    <message>
        <source>A client in the lowest risk-tolerance category has risk profile C1, not {shown}: record a C1 assessment with the lowest-category flag instead (investor assess ... --profile C1 --lowest-category).</source>
        <translation>风险承受能力最低类别的客户，其风险承受能力为 C1，而不是 {shown}：请改为记录带最低类别标记的 C1 测评（investor assess ... --profile C1 --lowest-category）。</translation>
    </message>
    <message>
        <source>A knock-out answer puts the client in the lowest risk-tolerance category, whose profile is C1, not {profile_code}; nothing was recorded.</source>
        <translation>一票否决的答案使客户属于风险承受能力最低类别，其风险承受能力为 C1，而不是 {profile_code}；未作任何记录。</translation>
    </message>
    <message>
        <source>This client is in the lowest risk-tolerance category, so the profile stays C1 (not {profile_code}): {LIFT_FIRST}.</source>
        <translation>该客户属于风险承受能力最低类别，风险承受能力保持 C1（而不是 {profile_code}）：{LIFT_FIRST}。</translation>
    </message>
    <message>
        <source>This client is in the lowest risk-tolerance category, so the profile stays C1 (the answers give {result_profile_code}): {LIFT_FIRST}. Nothing was recorded.</source>
        <translation>该客户属于风险承受能力最低类别，风险承受能力保持 C1（问卷结果为 {result_profile_code}）：{LIFT_FIRST}。未作任何记录。</translation>
    </message>
    <message>
        <source>Unknown list format &apos;{fmt}&apos;; use csv or xlsx.</source>
        <translation>未知的名单格式“{fmt}”；请使用 csv 或 xlsx。</translation>
    </message>
    <message>
        <source>Writing {out} failed: {exc_strerror_or_exc}.</source>
        <translation>写入 {out} 失败：{exc_strerror_or_exc}。</translation>
    </message>
    <message>
        <source>{out} could not be replaced ({exc_strerror_or_exc}); it was recorded but not written. Close the file where it is open and make it again.</source>
        <translation>无法替换 {out}（{exc_strerror_or_exc}）；已记录但未写入。请关闭打开该文件的程序后重新生成。</translation>
    </message>
    <message>
        <source>compliance must first lift the lowest-category flag, with a reason (investor edit --no-lowest-category --reason ...)</source>
        <translation>须先由合规人员取消最低类别标记并说明原因（investor edit --no-lowest-category --reason ...）</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>期间的结束早于开始。</translation>
    </message>
    <message>
        <source>A self-inspection period is at most ten years.</source>
        <translation>自查期间最长十年。</translation>
    </message>
    <message>
        <source>Cannot write {out}: {exc_strerror_or_exc}.</source>
        <translation>无法写入 {out}：{exc_strerror_or_exc}。</translation>
    </message>
    <message>
        <source>The reminder window is 0 to {MAX_WINDOW_DAYS} days.</source>
        <translation>提醒期为 0 至 {MAX_WINDOW_DAYS} 天。</translation>
    </message>
    <message>
        <source>The dashboard shows at most {MAX_DAYS} days; choose a shorter range.</source>
        <translation>合规看板最多显示 {MAX_DAYS} 天，请选择更短的期间。</translation>
    </message>
    <message>
        <source>The questionnaire changed to version {questionnaire_version} while the client answered version {expected_version}; nothing was recorded. Start the assessment again.</source>
        <translation>客户作答第 {expected_version} 版问卷期间，问卷已更新为第 {questionnaire_version} 版；未作任何记录。请重新开始测评。</translation>
    </message>
    <message>
        <source>This client has no assessment to confirm.</source>
        <translation>该客户没有可确认的风险测评。</translation>
    </message>
    <message>
        <source>The stored answers do not fit their questionnaire version.</source>
        <translation>存储的答案与其问卷版本不符。</translation>
    </message>
    <message>
        <source>A password needs at least {passwords_MIN_LENGTH} characters (a few words make a good one).</source>
        <translation>密码至少需要 {passwords_MIN_LENGTH} 个字符（几个词连在一起就是好密码）。</translation>
    </message>
    <message>
        <source>A password may have at most {passwords_MAX_LENGTH} characters.</source>
        <translation>密码最多 {passwords_MAX_LENGTH} 个字符。</translation>
    </message>
    <message>
        <source>A password must not be or contain the user name.</source>
        <translation>密码不得是用户名，也不得包含用户名。</translation>
    </message>
    <message>
        <source>This password is on the list of common or leaked passwords; choose another.</source>
        <translation>此密码在常见或已泄露密码名单上；请另选一个。</translation>
    </message>
    <message>
        <source>A password must not be one character repeated or a run such as 1234567890.</source>
        <translation>密码不得是同一字符的重复，也不得是 1234567890 这样的连续序列。</translation>
    </message>
    <message>
        <source>An administrator reset this password; choose a new one before you go on.</source>
        <translation>管理员已重置此密码；请先设置新密码再继续。</translation>
    </message>
    <message>
        <source>A {role_value} works for one branch; only compliance and administrators are firm-wide.</source>
        <translation>{role_value} 只能属于一个营业部；只有合规人员和管理员可以是全公司范围。</translation>
    </message>
    <message>
        <source>Only a firm-wide administrator may make a firm-wide account.</source>
        <translation>只有全公司范围的管理员才能创建全公司范围的账户。</translation>
    </message>
    <message>
        <source>The store has no head-office branch.</source>
        <translation>数据库中没有总部营业部。</translation>
    </message>
    <message>
        <source>No branch has the code &apos;{shown}&apos;; `suitcheck branch list` shows them.</source>
        <translation>没有代码为“{shown}”的营业部；`suitcheck branch list` 可列出所有营业部。</translation>
    </message>
    <message>
        <source>You work for one branch: you may only add records to your own branch.</source>
        <translation>您只属于一个营业部：只能在本营业部添加记录。</translation>
    </message>
    <message>
        <source>Only firm-wide (head-office) staff may add branches.</source>
        <translation>只有全公司范围（总部）的员工才能添加营业部。</translation>
    </message>
    <message>
        <source>A branch with the code &apos;{code}&apos; already exists.</source>
        <translation>代码为“{code}”的营业部已存在。</translation>
    </message>
    <message>
        <source>A client file covers every branch: only firm-wide (head-office) compliance may import one.</source>
        <translation>客户文件涵盖所有营业部：只有全公司范围（总部）的合规人员才能导入。</translation>
    </message>
    <message>
        <source>The self-inspection report covers every branch: only firm-wide (head-office) compliance may make it.</source>
        <translation>自查报告涵盖所有营业部：只有全公司范围（总部）的合规人员才能生成。</translation>
    </message>
    <message>
        <source>Say why the client moves to another branch (a reason).</source>
        <translation>请说明客户转到其他营业部的原因。</translation>
    </message>
    <message>
        <source>The client already belongs to branch {code}.</source>
        <translation>该客户已属于营业部 {code}。</translation>
    </message>
    <message>
        <source>A branch code is 1 to 16 letters A-Z, digits or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>营业部代码为 1 到 16 个字母 A-Z、数字或“-”，以字母或数字开头。</translation>
    </message>
    <message>
        <source>A branch name is 1 to 64 printable characters.</source>
        <translation>营业部名称为 1 到 64 个可打印字符。</translation>
    </message>
    <message>
        <source>A branch region is at most 64 printable characters.</source>
        <translation>营业部地区最多 64 个可打印字符。</translation>
    </message>
    <message>
        <source>The compliance dashboard covers every branch: only firm-wide (head-office) compliance may see it.</source>
        <translation>合规看板涵盖所有营业部：只有全公司范围（总部）的合规人员才能查看。</translation>
    </message>
    <message>
        <source>The policy decides for every branch: only firm-wide (head-office) compliance may change it.</source>
        <translation>适当性政策适用于所有营业部：只有全公司范围（总部）的合规人员才能修改。</translation>
    </message>
    <message>
        <source>The questionnaire assesses every branch&apos;s clients: only firm-wide (head-office) compliance may import a new version.</source>
        <translation>风险测评问卷用于所有营业部的客户：只有全公司范围（总部）的合规人员才能导入新版本。</translation>
    </message>
    <message>
        <source>Your branch is not in the store (its record was removed outside suitcheck); nothing was imported. An administrator must investigate.</source>
        <translation>您所在的营业部不在数据库中（其记录在 suitcheck 之外被删除）；未导入任何内容。请管理员调查。</translation>
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
    <message>
        <source>Recording the override…</source>
        <translation>正在记录客户坚持阅读的确认…</translation>
    </message>
</context>
<context>
    <name>Passwords</name>
    <message>
        <source>A password needs at least {n} characters. It must not be or contain the user name, and must not be a common or leaked password. A few unrelated words make a good one.</source>
        <translation>密码至少需要 {n} 个字符，不得是或包含用户名，也不得是常见或已泄露的密码。几个互不相关的词连在一起就是好密码。</translation>
    </message>
    <message>
        <source>The password was not changed, so you are not logged in.</source>
        <translation>密码未修改，因此您没有登录。</translation>
    </message>
    <message>
        <source>Checking the password…</source>
        <translation>正在核对密码…</translation>
    </message>
</context>
<context>
    <name>PdfView</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>of {n}</source>
        <translation>共 {n} 页</translation>
    </message>
    <message>
        <source>Find in report (Ctrl+F)</source>
        <translation>在研报中查找 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>查找下一个</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>放大 (Ctrl++)</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation>缩小 (Ctrl+-)</translation>
    </message>
    <message>
        <source>This page cannot be shown.</source>
        <translation>无法显示此页。</translation>
    </message>
    <message>
        <source>The report cannot be searched.</source>
        <translation>无法在此研报中查找。</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>{i} of {n}</source>
        <translation>第 {i} 处，共 {n} 处</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <source>view clients</source>
        <translation>查看客户</translation>
    </message>
    <message>
        <source>view reports</source>
        <translation>查看研报</translation>
    </message>
    <message>
        <source>check access</source>
        <translation>核查适当性</translation>
    </message>
    <message>
        <source>open reports</source>
        <translation>打开研报</translation>
    </message>
    <message>
        <source>record a warning override</source>
        <translation>记录风险警示后的例外</translation>
    </message>
    <message>
        <source>make distribution lists</source>
        <translation>生成分发名单</translation>
    </message>
    <message>
        <source>edit clients</source>
        <translation>编辑客户</translation>
    </message>
    <message>
        <source>import reports</source>
        <translation>导入研报</translation>
    </message>
    <message>
        <source>rate reports</source>
        <translation>评定研报风险等级</translation>
    </message>
    <message>
        <source>change the policy</source>
        <translation>修改适当性策略</translation>
    </message>
    <message>
        <source>export the audit trail</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <source>verify the audit trail</source>
        <translation>校验审计记录</translation>
    </message>
    <message>
        <source>view the audit log</source>
        <translation>查看审计日志</translation>
    </message>
    <message>
        <source>see full ID numbers</source>
        <translation>查看完整证件号码</translation>
    </message>
    <message>
        <source>manage staff accounts</source>
        <translation>管理员工账号</translation>
    </message>
    <message>
        <source>mark a re-assessment due</source>
        <translation>标记需重新评估</translation>
    </message>
    <message>
        <source>move clients to another branch</source>
        <translation>将客户转到其他营业部</translation>
    </message>
    <message>
        <source>manage branches</source>
        <translation>管理营业部</translation>
    </message>
    <message>
        <source>trust another installation&apos;s key</source>
        <translation>信任其他安装的密钥</translation>
    </message>
    <message>
        <source>record a correction of this computer&apos;s clock</source>
        <translation>记录本机时钟的更正</translation>
    </message>
    <message>
        <source>settle a record changed outside suitcheck</source>
        <translation>确认在 suitcheck 之外被修改的记录</translation>
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
        <source>A client marked for re-assessment is given no report until re-assessed, R1 included</source>
        <translation>被标记为需重新测评的客户，在重新测评之前不得提供任何研报（包括 R1）</translation>
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
        <source>Keyword</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Load from file…</source>
        <translation>从文件载入…</translation>
    </message>
    <message>
        <source>Use this release&apos;s table</source>
        <translation>使用本版本自带的表</translation>
    </message>
    <message>
        <source>A report whose stated level is below what a keyword of its subject implies is matched at the higher level and flagged for compliance. Reports already imported keep the level found when they were read, until compliance re-reads them (Compliance › Re-read reports with the subject table…).</source>
        <translation>研报自述等级低于其主题关键词对应等级时，按较高等级匹配并提示合规。已导入的研报保留导入时识别的等级，直至合规重新识别（合规 › 按主题关键词表重新识别研报…）。</translation>
    </message>
    <message>
        <source>Saving stores a new policy version; past decisions keep the version they used.</source>
        <translation>保存将生成新的政策版本；既往结论保留其所用版本。</translation>
    </message>
    <message>
        <source>Save new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Subject keywords ({n})</source>
        <translation>主题关键词（{n} 个）</translation>
    </message>
    <message>
        <source>Subject table</source>
        <translation>主题关键词表</translation>
    </message>
    <message>
        <source>Subject tables (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>主题关键词表 (*.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>New subject table</source>
        <translation>新的主题关键词表</translation>
    </message>
    <message>
        <source>Store new version</source>
        <translation>存为新版本</translation>
    </message>
    <message>
        <source>Store a subject table of {n} keywords as policy version {v}?</source>
        <translation>将含 {n} 个关键词的主题关键词表存为政策第 {v} 版？</translation>
    </message>
    <message>
        <source>and {n} more</source>
        <translation>另有 {n} 个</translation>
    </message>
    <message>
        <source>Adds {n}:</source>
        <translation>新增 {n} 个：</translation>
    </message>
    <message>
        <source>Removes {n}:</source>
        <translation>删除 {n} 个：</translation>
    </message>
    <message>
        <source>Changes the level of {n}:</source>
        <translation>调整等级 {n} 个：</translation>
    </message>
    <message>
        <source>Reports imported from now on are matched with it; reports already imported keep their level until they are re-read (Compliance › Re-read reports with the subject table…). The change is recorded in the audit trail.</source>
        <translation>此后导入的研报按此表匹配；已导入的研报保留原等级，直至重新识别（合规 › 按主题关键词表重新识别研报…）。该变更记入审计日志。</translation>
    </message>
    <message>
        <source>Warning: no keyword is left at {level}. No report will be lifted to it by its subject any more (only by a security code).</source>
        <translation>警告：{level} 已没有任何关键词。今后不会再有报告因其主题被调高到该等级（仅按证券代码调高）。</translation>
    </message>
    <message>
        <source>Store these settings as a new policy version? Every decision from now on follows it; the change is recorded in the audit trail.</source>
        <translation>将这些设置保存为新的政策版本？此后的每项决定都将依据该版本；本次变更将记入审计记录。</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>%1 File</source>
        <translation>%1 文件</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QuestionPage</name>
    <message>
        <source>Question {n} of {total}</source>
        <translation>第 {n} 题，共 {total} 题</translation>
    </message>
    <message>
        <source>Keys 1–9 choose an answer; Enter goes to the next question.</source>
        <translation>按数字键 1–9 选择答案；按回车进入下一题。</translation>
    </message>
</context>
<context>
    <name>Questionnaire</name>
    <message>
        <source>Capacity</source>
        <translation>基本情况</translation>
    </message>
    <message>
        <source>Finances</source>
        <translation>财务状况</translation>
    </message>
    <message>
        <source>Investment experience</source>
        <translation>投资经验</translation>
    </message>
    <message>
        <source>Investment goals</source>
        <translation>投资目标</translation>
    </message>
    <message>
        <source>Attitude to loss</source>
        <translation>风险偏好</translation>
    </message>
    <message>
        <source>may receive</source>
        <translation>可以提供</translation>
    </message>
    <message>
        <source>may not receive</source>
        <translation>不得提供</translation>
    </message>
    <message>
        <source>only after the special risk warning and the client&apos;s confirmation</source>
        <translation>须经特别风险警示并由客户确认后方可提供</translation>
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
        <source>Resolve finding</source>
        <translation>解决问题</translation>
    </message>
    <message>
        <source>Keep the stated level; the reason is recorded</source>
        <translation>保留所述等级；原因将记录在案</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>复核…</translation>
    </message>
    <message>
        <source>The extracted details beside the text; correct them with a reason</source>
        <translation>抽取的信息与正文并排显示；可附理由更正</translation>
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
        <source>A finding about the level is settled by rating the report</source>
        <translation>关于风险等级的问题须通过对研报评级来解决</translation>
    </message>
    <message>
        <source>Stated: {stated} · suggested from the subject: {suggested} {findings}</source>
        <translation>报告所载：{stated} · 按主题建议：{suggested} {findings}</translation>
    </message>
    <message>
        <source>Rate “{title}” {level}? From now on it is matched at exactly this level; the change and your reason are recorded in the audit trail.</source>
        <translation>将“{title}”评为{level}？此后将严格按此等级匹配；本次变更及理由将记入审计记录。</translation>
    </message>
    <message>
        <source>Set the risk level</source>
        <translation>设定风险等级</translation>
    </message>
    <message>
        <source>“{title}” is now {level}.</source>
        <translation>《{title}》现为 {level}。</translation>
    </message>
    <message>
        <source>Resolve the finding on “{title}” and keep its stated level? Your reason is recorded in the audit trail.</source>
        <translation>解决“{title}”上的问题并保留其声明的风险等级？您的理由将记入审计记录。</translation>
    </message>
    <message>
        <source>Finding on “{title}” resolved; the reason is recorded.</source>
        <translation>《{title}》的问题已解决；原因已记录。</translation>
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
        <source>The client&apos;s situation has changed: re-assess the client first (until then treated as expired).</source>
        <translation>客户情况发生变化：须先重新进行风险测评（此前按测评已过期处理）。</translation>
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
        <source>The report states a lower level than its subject implies; it is matched at the higher level until compliance confirms one.</source>
        <translation>报告自述的风险等级低于其主题对应的等级；在合规确认等级之前，按较高等级匹配（就高）。</translation>
    </message>
    <message>
        <source>Caution: this client is marked for special attention.</source>
        <translation>提示：该客户被标记为需特别关注。</translation>
    </message>
    <message>
        <source>The client&apos;s or the report&apos;s record does not carry a seal this desk accepts: it was changed outside suitcheck, or written at a desk this one does not trust yet (`suitcheck audit key trust`); compliance must investigate before any use.</source>
        <translation>客户或研报的记录没有本机认可的封签：它在 suitcheck 之外被改动，或是在本机尚未信任的工作站上写入的（`suitcheck audit key trust`）；须经合规调查后方可使用。</translation>
    </message>
</context>
<context>
    <name>RecordingDialog</name>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>ReminderCount</name>
    <message>
        <source>Reminders: {n}</source>
        <translation>测评提醒：{n}</translation>
    </message>
    <message>
        <source>Clients to re-assess; click to show the list.</source>
        <translation>需要重新测评的客户；点击显示名单。</translation>
    </message>
</context>
<context>
    <name>Reminders</name>
    <message>
        <source>re-assess now (situation changed)</source>
        <translation>需立即重新测评（情况变化）</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>expires soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>资金账号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>风险承受能力</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>RemindersPanel</name>
    <message>
        <source>Re-assessment reminders</source>
        <translation>风险测评提醒</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭提醒</translation>
    </message>
    <message>
        <source>Hide the list; the count stays in the status bar.</source>
        <translation>隐藏名单；状态栏仍显示数量。</translation>
    </message>
    <message>
        <source>Reminders could not be loaded.</source>
        <translation>无法加载测评提醒。</translation>
    </message>
    <message>
        <source>Loading reminders…</source>
        <translation>正在加载测评提醒…</translation>
    </message>
    <message>
        <source>No client needs a re-assessment now.</source>
        <translation>目前没有需要重新测评的客户。</translation>
    </message>
    <message>
        <source>{n} clients need a re-assessment (expired, expiring soon, or their situation changed).</source>
        <translation>{n} 位客户需要重新测评（已过期、即将到期或情况变化）。</translation>
    </message>
    <message>
        <source>The first {shown} are listed.</source>
        <translation>仅列出前 {shown} 位。</translation>
    </message>
    <message>
        <source>Records changed outside suitcheck among them (marked in red): {n}; every check about such a client blocks, and compliance should run audit verify.</source>
        <translation>其中被外部修改的记录（红色标出）：{n} 条；对此类客户的每次检查均被阻止，合规应运行 audit verify 进行核查。</translation>
    </message>
    <message>
        <source>Double-click or press Enter to select a client.</source>
        <translation>双击或按回车选中客户。</translation>
    </message>
</context>
<context>
    <name>ReportFilters</name>
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
        <source>Publisher:</source>
        <translation>发布机构：</translation>
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
</context>
<context>
    <name>ReportPane</name>
    <message>
        <source>&lt;b&gt;Research reports&lt;/b&gt;</source>
        <translation>&lt;b&gt;研究报告&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Research reports</source>
        <translation>研究报告</translation>
    </message>
</context>
<context>
    <name>ReportViewer</name>
    <message>
        <source>{title} — for {client} ({account})</source>
        <translation>{title} — 供 {client}（{account}）阅读</translation>
    </message>
    <message>
        <source>{client} {account} · {staff} · {time}</source>
        <translation>{client} {account} · {staff} · {time}</translation>
    </message>
    <message>
        <source>The pages of this PDF cannot be shown (the file is damaged); its text, as read for its level, is below.</source>
        <translation>此 PDF 的页面无法显示（文件已损坏）；下方为据以判定风险等级的研报文本。</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
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
    <name>Reread</name>
    <message>
        <source>rated</source>
        <translation>合规评定</translation>
    </message>
    <message>
        <source>stated</source>
        <translation>研报自述</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>finding: below its subject</source>
        <translation>问题：低于主题对应等级</translation>
    </message>
    <message>
        <source>{level}, unchanged</source>
        <translation>{level}，不变</translation>
    </message>
    <message>
        <source>finding: its level reads otherwise</source>
        <translation>问题：其风险等级现读作不同</translation>
    </message>
</context>
<context>
    <name>RereadDialog</name>
    <message>
        <source>Re-read reports with the subject table</source>
        <translation>按主题关键词表重新识别研报</translation>
    </message>
    <message>
        <source>Each imported report&apos;s file is read again with the current subject table, as a new import would read it. Reports whose subject level changes are listed with the level they would then be matched at (the higher of their own level and their subject&apos;s). Nothing is stored until you apply it.</source>
        <translation>按当前主题关键词表重新读取每份已导入研报的原文件，与新导入时的读取方式相同。主题对应等级发生变化的研报会列出，并显示届时的匹配等级（研报自身等级与主题等级就高）。应用之前不会保存任何内容。</translation>
    </message>
    <message>
        <source>Read reports</source>
        <translation>读取研报</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Apply changes…</source>
        <translation>应用变更…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>{read} of {total} reports read with the subject table of policy version {version}: {changes} change their subject level, {raised} would be matched higher, {lowered} lower.</source>
        <translation>已按第 {version} 版政策的主题关键词表读取 {read}/{total} 份研报：{changes} 份的主题对应等级有变化，其中 {raised} 份匹配等级将提高，{lowered} 份将降低。</translation>
    </message>
    <message>
        <source>{read} of {total} reports read with the subject table of policy version {version}: no report&apos;s subject level changes.</source>
        <translation>已按第 {version} 版政策的主题关键词表读取 {read}/{total} 份研报：没有研报的主题对应等级发生变化。</translation>
    </message>
    <message>
        <source>{read} of {total} reports read with the subject table of policy version {version}: no report&apos;s subject level changes; nothing to store.</source>
        <translation>已按第 {version} 版政策的主题关键词表读取 {read}/{total} 份研报：没有研报的主题对应等级发生变化，无需保存。</translation>
    </message>
    <message>
        <source>{n} reports&apos; own level statement reads otherwise than when they were imported: they will be unrated until compliance rates them.</source>
        <translation>{n} 份报告自身的风险等级声明现读作与导入时不同：在合规评级前将视为未评级。</translation>
    </message>
    <message>
        <source>Stopped before the end: the reports not read are not listed.</source>
        <translation>未读完即停止：未读取的研报未列出。</translation>
    </message>
    <message>
        <source>{n} reports could not be read again (see Result).</source>
        <translation>{n} 份研报无法重新读取（见“结果”列）。</translation>
    </message>
    <message>
        <source>{n} reports read by an older version read the same now: applying stores them as read by this version, so nothing reads them again before their next decision.</source>
        <translation>{n} 份研报由旧版本读取，本版本读取的风险等级相同：应用后将记为由本版本读取，下次判定前无需再次读取。</translation>
    </message>
    <message>
        <source>Store the new subject level of {n} reports? {raised} will be matched at a higher level and {lowered} at a lower one from now on. A report&apos;s own level, and a level compliance rated, stay as they are. Each change is recorded in the audit trail.</source>
        <translation>保存 {n} 份研报新的主题对应等级？此后 {raised} 份将按更高等级匹配，{lowered} 份按更低等级匹配。研报自身等级及合规评定的等级保持不变。每项变更都记入审计日志。</translation>
    </message>
    <message>
        <source>Store {n} reports as read by this version? Nothing else about them changes.</source>
        <translation>将 {n} 份研报记为由本版本读取？研报的其他内容均不改变。</translation>
    </message>
    <message>
        <source>Except: {n} reports&apos; own level statement reads otherwise than when they were imported; they become unrated until compliance rates them.</source>
        <translation>例外：{n} 份报告自身的风险等级声明现读作与导入时不同；在合规评级前将视为未评级。</translation>
    </message>
    <message>
        <source>The reading was stopped before the end: only the reports listed are changed.</source>
        <translation>读取未完成即已停止：只变更列出的研报。</translation>
    </message>
    <message>
        <source>Apply changes</source>
        <translation>应用变更</translation>
    </message>
    <message>
        <source>Store changes</source>
        <translation>保存变更</translation>
    </message>
    <message>
        <source>Storing…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Stored {stored} of {n} changes, each in the audit trail.</source>
        <translation>已保存 {stored}/{n} 项变更，每项均记入审计日志。</translation>
    </message>
    <message>
        <source>{n} were left as they are (see Result).</source>
        <translation>{n} 份保持原样（见“结果”列）。</translation>
    </message>
    <message>
        <source>{marked} of {n} reports read by an older version stored as read by this one.</source>
        <translation>{n} 份由旧版本读取的研报中，{marked} 份已记为由本版本读取。</translation>
    </message>
    <message>
        <source>Stopped before the end: the rest were not stored.</source>
        <translation>未完成即停止：其余变更未保存。</translation>
    </message>
    <message>
        <source>Re-reading reports: switching user stops it; the changes stored so far stay stored, each in the audit trail.</source>
        <translation>正在重新识别研报：切换用户会停止该操作；已保存的变更保持不变，每项均已记入审计日志。</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>Give {user} a temporary password and tell it to them in person. Their old password stops working now, and they must choose a new password of their own at their next login.</source>
        <translation>为 {user} 设置一个临时密码，并当面告知本人。其旧密码立即失效，下次登录时须自行设置新密码。</translation>
    </message>
    <message>
        <source>Temporary password:</source>
        <translation>临时密码：</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Result — check it with the client before saving</source>
        <translation>测评结果 — 保存前请与客户核对</translation>
    </message>
    <message>
        <source>Note (optional):</source>
        <translation>备注（可选）：</translation>
    </message>
    <message>
        <source>What the result permits (research reports by risk level):</source>
        <translation>该结果允许提供的研报（按风险等级）：</translation>
    </message>
    <message>
        <source>Risk profile: &lt;b&gt;{profile}&lt;/b&gt;</source>
        <translation>风险承受能力：&lt;b&gt;{profile}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Score: {score} (questionnaire version {version})</source>
        <translation>得分：{score}（问卷第 {version} 版）</translation>
    </message>
    <message>
        <source>Valid until: {date}</source>
        <translation>有效期至：{date}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Knock-out answer&lt;/b&gt; (question {ids}): lowest risk-tolerance category, whatever the score ({band}).</source>
        <translation>&lt;b&gt;否决项答案&lt;/b&gt;（题目 {ids}）：无论得分如何（{band}），均属风险承受能力最低类别。</translation>
    </message>
    <message>
        <source>&lt;b&gt;The client is under 18 (the birth date in the ID number): lowest risk-tolerance category.&lt;/b&gt; Compliance lifts it, with a reason, for a 16- or 17-year-old living on their own labour income.</source>
        <translation>&lt;b&gt;该客户未满18周岁（按证件号码中的出生日期）：风险承受能力最低类别。&lt;/b&gt;以自己的劳动收入为主要生活来源的16至17周岁客户，由合规人员说明理由后解除。</translation>
    </message>
    <message>
        <source>&lt;b&gt;The client stays in the lowest risk-tolerance category.&lt;/b&gt;</source>
        <translation>&lt;b&gt;该客户仍属风险承受能力最低类别。&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Report level</source>
        <translation>研报风险等级</translation>
    </message>
    <message>
        <source>The client</source>
        <translation>该客户</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Review report {id}</source>
        <translation>复核研报 {id}</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD（年-月-日）</translation>
    </message>
    <message>
        <source>Why (kept with the change)</source>
        <translation>原因（与修改一并保存）</translation>
    </message>
    <message>
        <source>SAC</source>
        <translation>SAC 执业证书编号</translation>
    </message>
    <message>
        <source>no SAC number found</source>
        <translation>未找到 SAC 执业证书编号</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Publisher:</source>
        <translation>发布机构：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>报告类型：</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>风险等级：</translation>
    </message>
    <message>
        <source>How it was found:</source>
        <translation>等级来源：</translation>
    </message>
    <message>
        <source>Suggested from the subject:</source>
        <translation>按主题建议的等级：</translation>
    </message>
    <message>
        <source>Analysts:</source>
        <translation>分析师：</translation>
    </message>
    <message>
        <source>Rating:</source>
        <translation>评级：</translation>
    </message>
    <message>
        <source>Open findings:</source>
        <translation>未处理的发现：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Save corrections</source>
        <translation>保存更正</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>rated by compliance</source>
        <translation>由合规评定</translation>
    </message>
    <message>
        <source>stated in the report ({levels})</source>
        <translation>研报自述（{levels}）</translation>
    </message>
    <message>
        <source>the report states different levels ({levels}); not rated yet</source>
        <translation>研报自述的等级不一致（{levels}）；尚未评定</translation>
    </message>
    <message>
        <source>the report says something about its level that cannot be read as one level (see its findings); not rated yet</source>
        <translation>研报关于自身等级的表述无法读作单一等级（见其合规提示）；尚未评定</translation>
    </message>
    <message>
        <source>no level stated in the report; not rated yet</source>
        <translation>研报未写明风险等级；尚未评定</translation>
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
    <name>RunPage</name>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>All or nothing: stopping leaves every client as it was.</source>
        <translation>全部或全不：停止后所有客户保持原样。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Open the report</source>
        <translation>打开报告</translation>
    </message>
    <message>
        <source>Check the file again</source>
        <translation>重新检查文件</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Stopping… nothing will be changed.</source>
        <translation>正在停止…不会有任何改动。</translation>
    </message>
    <message>
        <source>Reading and checking the rows…</source>
        <translation>正在读取并检查各行…</translation>
    </message>
    <message>
        <source>Sealing the new clients&apos; records…</source>
        <translation>正在为新客户的记录加封签…</translation>
    </message>
    <message>
        <source>Writing the new clients…</source>
        <translation>正在写入新客户…</translation>
    </message>
    <message>
        <source>Recording the new clients in the audit trail…</source>
        <translation>正在把新客户记入审计记录…</translation>
    </message>
    <message>
        <source>Writing and recording the changed clients…</source>
        <translation>正在写入并记录有变化的客户…</translation>
    </message>
    <message>
        <source>Sealing the changed clients&apos; records…</source>
        <translation>正在为有变化的客户的记录加封签…</translation>
    </message>
    <message>
        <source>Imported: {new} new and {changed} changed clients; {invalid} invalid rows skipped.</source>
        <translation>已导入：新增 {new} 个、变更 {changed} 个客户；跳过 {invalid} 个无效行。</translation>
    </message>
    <message>
        <source>Nothing was imported: {invalid} rows are invalid.</source>
        <translation>未导入任何内容：有 {invalid} 行无效。</translation>
    </message>
    <message>
        <source>Stopped: nothing was changed.</source>
        <translation>已停止：没有任何改动。</translation>
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
    <name>SettleDialog</name>
    <message>
        <source>Settle a record changed outside suitcheck</source>
        <translation>确认在 suitcheck 之外被修改的记录</translation>
    </message>
    <message>
        <source>A client or report record whose seal fails (changed outside suitcheck, e.g. a typo fixed in the database) blocks every decision about it. Once you have investigated it and found it right, settling seals it again as it stands, with your reason in the audit trail. Only a record whose decision facts are still as the audit trail last recorded them can be settled: a profile, class, date, level or rating changed outside suitcheck is refused.</source>
        <translation>封印不符的客户或研报记录（在 suitcheck 之外被修改，例如在数据库中更正了错字）会使与之相关的每次判定都被阻止。经调查确认其无误后，确认操作按其现状重新封印，并将您的原因记入审计日志。只有判定所读取的事实仍与审计日志最后记录的一致的记录才能确认：在 suitcheck 之外修改的风险承受能力、投资者类别、日期、风险等级或评级一律拒绝确认。</translation>
    </message>
    <message>
        <source>Show record</source>
        <translation>显示记录</translation>
    </message>
    <message>
        <source>Only where the client&apos;s name or ID number was corrected outside suitcheck: the value the record held before the correction. Leave empty otherwise.</source>
        <translation>仅当客户的姓名或证件号码在 suitcheck 之外被更正时填写：更正前记录中的值。否则请留空。</translation>
    </message>
    <message>
        <source>Name before:</source>
        <translation>原姓名：</translation>
    </message>
    <message>
        <source>ID number before:</source>
        <translation>原证件号码：</translation>
    </message>
    <message>
        <source>e.g. DBA fixed a typo in the name, ticket 4711; checked against the account opening form</source>
        <translation>例如：数据库管理员更正了姓名中的错字（工单 4711），已与开户资料核对</translation>
    </message>
    <message>
        <source>At least {n} characters; recorded in the audit trail with the settlement.</source>
        <translation>至少 {n} 个字符；随确认记入审计日志。</translation>
    </message>
    <message>
        <source>Settle…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <source>Record:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Client (account number)</source>
        <translation>客户（资金账号）</translation>
    </message>
    <message>
        <source>Report (id)</source>
        <translation>研报（编号）</translation>
    </message>
    <message>
        <source>the client&apos;s account number</source>
        <translation>客户的资金账号</translation>
    </message>
    <message>
        <source>the report&apos;s id, as audit verify names it</source>
        <translation>研报编号（审计校验结果中所列）</translation>
    </message>
    <message>
        <source>Show the record to see what settling would seal.</source>
        <translation>请先显示记录，查看确认时将封印的内容。</translation>
    </message>
    <message>
        <source>Client {account} (record {id}) as found; settling seals it as it stands:</source>
        <translation>客户 {account}（记录 {id}）的现状；确认将按此现状封印：</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>投资者类别</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>风险承受能力</translation>
    </message>
    <message>
        <source>Assessed on</source>
        <translation>测评日期</translation>
    </message>
    <message>
        <source>Lowest risk-tolerance category</source>
        <translation>风险承受能力最低类别</translation>
    </message>
    <message>
        <source>Special attention</source>
        <translation>特别关注</translation>
    </message>
    <message>
        <source>Re-assessment due</source>
        <translation>需重新测评</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>营业部</translation>
    </message>
    <message>
        <source>Report {id} as found; settling seals it as it stands:</source>
        <translation>研报 {id} 的现状；确认将按此现状封印：</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Subject level</source>
        <translation>主题对应等级</translation>
    </message>
    <message>
        <source>Rated by compliance</source>
        <translation>已由合规评定</translation>
    </message>
    <message>
        <source>File (SHA-256)</source>
        <translation>文件（SHA-256）</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>合规发现</translation>
    </message>
    <message>
        <source>{label}: {value}</source>
        <translation>{label}：{value}</translation>
    </message>
    <message>
        <source>settled</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未处理</translation>
    </message>
    <message>
        <source>Changed outside suitcheck: {field} was “{before}”, is “{now}”.</source>
        <translation>在 suitcheck 之外被修改：{field} 原为“{before}”，现为“{now}”。</translation>
    </message>
    <message>
        <source>Never recorded by the audit trail, taken as found: {fields} (the record is on its seal from before they were sealed).</source>
        <translation>审计日志从未记录、按现状接受：{fields}（该记录仍是它们被纳入封印之前的封印）。</translation>
    </message>
    <message>
        <source>Every fact the older seal covers is as the audit trail last recorded it (its digest matches).</source>
        <translation>旧封印涵盖的每项事实均与审计日志最后记录的一致（摘要相符）。</translation>
    </message>
    <message>
        <source>Every other sealed fact is as the audit trail last recorded it (its digest matches).</source>
        <translation>其余受封印的事实均与审计日志最后记录的一致（摘要相符）。</translation>
    </message>
    <message>
        <source>Every sealed fact is as the audit trail last recorded it (its digest matches).</source>
        <translation>所有受封印的事实均与审计日志最后记录的一致（摘要相符）。</translation>
    </message>
    <message>
        <source>Settled: recorded as entry {seq}; decisions read the record again.</source>
        <translation>已确认：记为第 {seq} 条；判定重新读取该记录。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>findings</source>
        <translation>合规发现</translation>
    </message>
    <message>
        <source>Left on its older seal by the upgrade that sealed clients&apos; names and ID numbers.</source>
        <translation>将客户姓名和证件号码纳入封印的升级未重新封印此记录，仍为旧封印。</translation>
    </message>
    <message>
        <source>Left on its older seal by the upgrade that sealed clients&apos; branches.</source>
        <translation>将客户所属营业部纳入封印的升级未重新封印此记录，仍为旧封印。</translation>
    </message>
    <message>
        <source>Left on its older seal by the upgrade that sealed reports&apos; findings.</source>
        <translation>将研报合规发现纳入封印的升级未重新封印此记录，仍为旧封印。</translation>
    </message>
    <message>
        <source>Left on its older seal by the upgrade {name}.</source>
        <translation>升级 {name} 未重新封印此记录，仍为旧封印。</translation>
    </message>
    <message>
        <source>The record changed since it was shown to you; nothing was settled. Show it again (Show record) and settle it again.</source>
        <translation>该记录在向您显示后已被修改；未作任何确认。请重新查看（显示记录），然后再次确认。</translation>
    </message>
    <message>
        <source>The record of client {key} is not the state the trail last recorded for it: a fact decisions read (profile, assessment date, class, a flag, branch, birth date), or the name or ID number, was changed outside suitcheck, and settling it would put that change under the seal. Nothing was settled. Where only the name or ID number was corrected, give the value it held before (Name before, ID number before) and show the record again. Otherwise have every such fact put back as the audit trail recorded it (the client&apos;s entries in the audit log say what they were: Compliance, Audit log…), then settle it, and change the rest through suitcheck.</source>
        <translation>客户 {key} 的记录不是审计日志最后记录的状态：判定所读取的事实（风险类型、测评日期、投资者类别、某个标志、营业部、出生日期）或姓名、证件号码在 suitcheck 之外被修改，确认它将把该修改置于封印之下。未作任何确认。如仅更正了姓名或证件号码，请在上方给出原值（原姓名、原证件号码），然后重新显示记录。否则，请将每项此类事实恢复为审计日志所记录的值（审计日志中该客户的条目载明原值：合规，审计日志…），然后确认，其余修改通过 suitcheck 进行。</translation>
    </message>
    <message>
        <source>The record of report {key} is not the state the trail last recorded for it: its level, the subject&apos;s level, its rating, its file or its findings were changed outside suitcheck, and settling it would put that change under the seal (a level lowered in the database would be served as rated). Nothing was settled. Have it put back as the audit trail recorded it (the report&apos;s import, rating and finding entries in the audit log say what it was: Compliance, Audit log…), then settle it; a new level is set through suitcheck (Compliance, Reports needing a rating or with findings…).</source>
        <translation>研报 {key} 的记录不是审计日志最后记录的状态：其风险等级、主题对应等级、评级、文件或合规发现在 suitcheck 之外被修改，确认它将把该修改置于封印之下（在数据库中调低的等级将被当作已评定的等级使用）。未作任何确认。请将其恢复为审计日志所记录的状态（审计日志中该研报的导入、评级和合规发现条目载明原状：合规，审计日志…），然后确认；新的等级须通过 suitcheck 设定（合规，待评级或有合规提示的研报…）。</translation>
    </message>
    <message>
        <source>The record of client {key} is not the state the trail last recorded for it: it holds profile {profile} of {day}, and the trail&apos;s assessments give {recorded_profile} of {recorded_day}. Settling it would put that change under the seal; nothing was settled. Have the profile and its date put back as the trail recorded them, then settle, and record a new assessment through suitcheck (Compliance, Assess selected client with the questionnaire…).</source>
        <translation>客户 {key} 的记录不是审计日志最后记录的状态：记录中为 {day} 的 {profile}，而审计日志中的测评为 {recorded_day} 的 {recorded_profile}。确认它将把该修改置于封印之下；未作任何确认。请将风险类型及其日期恢复为审计日志所记录的值，然后确认，再通过 suitcheck 记录新的测评（合规，用风险测评问卷评估所选客户…）。</translation>
    </message>
    <message>
        <source>The record of client {key} holds a value suitcheck never writes (a profile or class it does not know, a date or flag written otherwise, bytes): sealing it would not make it decidable. Nothing was settled; have the value put back as the trail recorded it (the client&apos;s entries in the audit log say what it was: Compliance, Audit log…), then settle it.</source>
        <translation>客户 {key} 的记录含有 suitcheck 从不写入的值（未知的风险类型或投资者类别、以其他形式写入的日期或标志、字节）：封印它也无法据以判定。未作任何确认；请将该值恢复为审计日志所记录的值（审计日志中该客户的条目载明原值：合规，审计日志…），然后再确认。</translation>
    </message>
    <message>
        <source>The record holds this ID number now: under ID number before, give the number it held before the change.</source>
        <translation>记录现在的证件号码就是此号码：请在“原证件号码”中填写更正前的号码。</translation>
    </message>
    <message>
        <source>The record holds this name now: under Name before, give the name it held before the change.</source>
        <translation>记录现在的姓名就是此姓名：请在“原姓名”中填写更正前的姓名。</translation>
    </message>
    <message>
        <source>Type the client&apos;s account number or the report&apos;s id.</source>
        <translation>请输入客户的资金账号或研报编号。</translation>
    </message>
    <message>
        <source>Reading the record…</source>
        <translation>正在读取记录…</translation>
    </message>
    <message>
        <source>Nothing can be settled for this record as it stands (see below).</source>
        <translation>此记录按现状无法确认（见下方说明）。</translation>
    </message>
    <message>
        <source>If only the client&apos;s name or ID number was corrected outside suitcheck, give the value it held before above and show the record again.</source>
        <translation>如仅客户的姓名或证件号码在 suitcheck 之外被更正，请在上方填写原值，然后重新显示记录。</translation>
    </message>
    <message>
        <source>client {key}</source>
        <translation>客户 {key}</translation>
    </message>
    <message>
        <source>report {key}</source>
        <translation>研报 {key}</translation>
    </message>
    <message>
        <source>Settle the record of {what} as shown? It is sealed as it stands, and decisions read it again; the settlement and your reason are recorded in the audit trail.</source>
        <translation>按所示内容确认{what}的记录？它将按现状封印，判定重新读取它；此次确认及您的原因将记入审计日志。</translation>
    </message>
    <message>
        <source>Settle the record</source>
        <translation>确认记录</translation>
    </message>
    <message>
        <source>Settle</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Settled: recorded as entry {seq}. Decisions about the record are made again from now on.</source>
        <translation>已确认：记为第 {seq} 条。此后将重新对该记录作出判定。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The record changed since it was shown: show it again before settling.</source>
        <translation>该记录在显示后已被修改：请重新显示后再确认。</translation>
    </message>
    <message>
        <source>The record matches its seal now: there is nothing to settle.</source>
        <translation>该记录现已与其封印相符：无需确认。</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Staff accounts</source>
        <translation>员工账号</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Disable…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Account {user} added as {role}.</source>
        <translation>已新增账号 {user}，角色为{role}。</translation>
    </message>
    <message>
        <source>Disable account</source>
        <translation>停用账号</translation>
    </message>
    <message>
        <source>Disable the account {user}? They can no longer log in, and a window they have open stops working. The account and its records stay; it can be enabled again.</source>
        <translation>停用账号 {user}？停用后该员工不能再登录，已打开的窗口也随即不能操作。账号及其记录都会保留，可以重新启用。</translation>
    </message>
    <message>
        <source>Account {user} disabled.</source>
        <translation>账号 {user} 已停用。</translation>
    </message>
    <message>
        <source>Account {user} enabled.</source>
        <translation>账号 {user} 已启用。</translation>
    </message>
    <message>
        <source>Account {user} unlocked; it may log in again.</source>
        <translation>账号 {user} 已解锁，可以重新登录。</translation>
    </message>
    <message>
        <source>Password of {user} reset. Tell them the temporary password; they must choose a new one at their next login.</source>
        <translation>{user} 的密码已重置。请将临时密码告知本人；其下次登录时须设置新密码。</translation>
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
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>StaffLabels</name>
    <message>
        <source>(the system)</source>
        <translation>（系统）</translation>
    </message>
    <message>
        <source>(unknown user)</source>
        <translation>（未知用户）</translation>
    </message>
    <message>
        <source>(local recovery)</source>
        <translation>（本机恢复）</translation>
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
<context>
    <name>TextView</name>
    <message>
        <source>Find in report (Ctrl+F)</source>
        <translation>在研报中查找 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>查找下一个</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>_PasswordForm</name>
    <message>
        <source>Repeat the password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <source>The two passwords differ; type the same password twice.</source>
        <translation>两次输入的密码不一致；请输入两次相同的密码。</translation>
    </message>
</context>
</TS>
