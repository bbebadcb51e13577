"""Approvals: ask for one on a card, decide it exactly once, and tell ACC.

    /acc request-approval          RequestApproval -> ApprovalCard     (ask.py)
    a click on Approve / Disapprove ReviewDecision -> DecisionForm      (review.py)
    the decision form's submission Decide(request_id=… | agent_path=…)  (decide.py)
    /acc approve, /acc disapprove  Approve, Disapprove -> ApprovalDecision

Exactly once: ``store.approvals.decide`` records a decision only while the request is
pending, so of two approvers one wins and only the winner calls ACC. The decision is
committed before ACC is called and put back when ACC fails, so nothing stays approved
that ACC did not approve; the card is changed only after ACC answered. Within one
process, decisions on one request also take a lock around the whole exchange
(locks.py). Whoever asked for an approval may not decide it, unless they are an admin
(refusals.py). Roles and the audit log are the dispatcher's, as for every command.
"""
