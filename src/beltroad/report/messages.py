"""The brief's words in English and Chinese: one catalogue, looked up by key.

A small catalogue of its own (not gettext) so that the brief needs no compiled message files; a
key missing in one language is a test failure, never an English word in a Chinese brief.

>>> text("zh", "toc")
'目录'
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "title": {
        "en": "Belt and Road cooperation: symposium brief",
        "zh": "“一带一路”合作：研讨会简报",
    },
    "generated": {"en": "Generated", "zh": "生成时间"},
    "toc": {"en": "Contents", "zh": "目录"},
    "synthetic": {
        "en": "Contains synthetic data: figures are illustrative, not published statistics.",
        "zh": "含合成数据：数字仅作示意，并非公开统计。",
    },
    "not_computed": {"en": "Not computed", "zh": "未计算"},
    "headline": {"en": "Headline figures and reconciliation", "zh": "主要数字及核对"},
    "figure": {"en": "Figure", "zh": "指标"},
    "registry": {"en": "Registry", "zh": "登记数"},
    "reported": {"en": "Reported", "zh": "官方公布"},
    "verdict": {"en": "Verdict", "zh": "核对结论"},
    "records": {"en": "Records", "zh": "记录数"},
    "datasets": {"en": "Datasets", "zh": "数据集"},
    "as_of": {"en": "As of", "zh": "截至"},
    "series": {"en": "Official series", "zh": "官方统计序列"},
    "scope": {"en": "Scope", "zh": "范围"},
    "source": {"en": "Source", "zh": "来源"},
    "map": {"en": "Map and main charts", "zh": "地图及主要图表"},
    "map_caption": {
        "en": "Commitments by recipient country",
        "zh": "按受援国分列的承诺金额",
    },
    "sector_caption": {
        "en": "Commitments by sector (largest ten)",
        "zh": "按行业分列的承诺金额（前十）",
    },
    "funnel": {"en": "Funnel and plan against actual", "zh": "项目漏斗与计划完成情况"},
    "stage": {"en": "Stage", "zh": "阶段"},
    "projects": {"en": "Projects", "zh": "项目数"},
    "amount": {"en": "Amount", "zh": "金额"},
    "conversion": {"en": "Conversion", "zh": "转化率"},
    "plans": {"en": "Plans against actual", "zh": "计划与实际"},
    "no_plans": {"en": "No plan is recorded.", "zh": "尚无计划记录。"},
    "target": {"en": "Target", "zh": "目标"},
    "actual": {"en": "Actual", "zh": "实际"},
    "achieved": {"en": "Achieved", "zh": "完成率"},
    "risks": {"en": "Top risks and a stress test", "zh": "主要风险与压力测试"},
    "subject": {"en": "Subject", "zh": "对象"},
    "category": {"en": "Category", "zh": "类别"},
    "score": {"en": "Residual score", "zh": "剩余风险分值"},
    "why": {"en": "Why", "zh": "原因"},
    "no_risks": {"en": "No open risk in the register.", "zh": "风险登记册中没有未关闭的风险。"},
    "stress": {"en": "Stress test", "zh": "压力测试"},
    "expected_loss": {"en": "Expected loss", "zh": "预期损失"},
    "var": {"en": "Value at risk", "zh": "风险价值"},
    "es": {"en": "Expected shortfall", "zh": "预期亏空"},
    "exposure": {"en": "Exposure", "zh": "风险敞口"},
    "scenarios": {"en": "scenarios", "zh": "个情景"},
    "seed": {"en": "seed", "zh": "随机种子"},
    "loss_histogram": {"en": "Loss distribution", "zh": "损失分布"},
    "by_country": {"en": "Expected loss by country", "zh": "按国家分列的预期损失"},
    "red_sea": {"en": "Red Sea exposure", "zh": "红海通道风险敞口"},
    "ports": {"en": "Ports", "zh": "港口"},
    "pairs_using": {"en": "Port pairs using the passages", "zh": "经过该通道的港口对"},
    "pairs_longer": {"en": "Port pairs made longer", "zh": "航程变长的港口对"},
    "pairs_cut": {"en": "Port pairs cut off", "zh": "被切断的港口对"},
    "median_days": {"en": "Median extra days", "zh": "中位额外天数"},
    "projects_longer": {"en": "Projects with a longer lane to China", "zh": "至中国航线变长的项目"},
    "country": {"en": "Country", "zh": "国家"},
    "cut_off": {"en": "Cut off", "zh": "被切断"},
    "longer": {"en": "Longer", "zh": "变长"},
    "vessel": {"en": "Vessel class", "zh": "船型"},
    "distance": {"en": "Distance (km)", "zh": "距离（公里）"},
    "days": {"en": "Days", "zh": "天数"},
    "via": {"en": "Via", "zh": "途经"},
    "route_caption": {
        "en": "Shanghai to Rotterdam with the Red Sea closed, by vessel class",
        "zh": "红海关闭时上海至鹿特丹航线（按船型）",
    },
    "green": {
        "en": "Green share, benefit balance and flagship set",
        "zh": "绿色占比、利益平衡与旗舰项目",
    },
    "green_share": {"en": "Green share", "zh": "绿色占比"},
    "by_count": {"en": "by count", "zh": "按项目数"},
    "by_amount": {"en": "by amount", "zh": "按金额"},
    "green_class": {"en": "Green", "zh": "绿色"},
    "yellow_class": {"en": "Yellow", "zh": "黄色"},
    "red_class": {"en": "Red", "zh": "红色"},
    "unrated_class": {"en": "Unrated", "zh": "未评级"},
    "benefits": {
        "en": "Benefit balance (largest gaps, host minus investor)",
        "zh": "利益平衡（最大差距：东道国减投资方）",
    },
    "gap": {"en": "Gap", "zh": "差距"},
    "index": {"en": "Index", "zh": "指数"},
    "no_benefits": {
        "en": "No project or country has enough indicators for an index yet.",
        "zh": "尚无项目或国家具备足够指标以计算指数。",
    },
    "flagships": {"en": "Flagship set", "zh": "旗舰项目组合"},
    "budget": {"en": "Budget", "zh": "预算"},
    "status": {"en": "Solver status", "zh": "求解状态"},
    "rank": {"en": "Rank", "zh": "排名"},
    "project": {"en": "Project", "zh": "项目"},
    "sources": {
        "en": "Sources, base year, rules and data vintages",
        "zh": "来源、基准年、规则与数据版本",
    },
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "loaded": {"en": "Loaded", "zh": "载入时间"},
    "title_col": {"en": "Title", "zh": "标题"},
    "base_year": {"en": "Base year", "zh": "基准年"},
    "rules": {"en": "Rules", "zh": "规则"},
    "notes": {"en": "Notes", "zh": "说明"},
    "section_seconds": {"en": "Computed in", "zh": "计算耗时"},
    "page": {"en": "Page", "zh": "第"},
    "page_suffix": {"en": "", "zh": "页"},
    "no_data": {"en": "no data", "zh": "无数据"},
    "usd": {"en": "USD", "zh": "美元"},
}


def text(lang: str, key: str) -> str:
    """The ``key`` message in ``lang`` (``en`` or ``zh``)."""
    return MESSAGES[key][lang]


__all__ = ["MESSAGES", "text"]
