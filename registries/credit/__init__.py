"""Credit-risk classes (信用风险分类, "通用+专业", 003): the general classes imported from market
regulation, each department's versioned professional rules over the record, and the fused class
per object and department with its reasons and history (models in registries/models/credit.py)."""
