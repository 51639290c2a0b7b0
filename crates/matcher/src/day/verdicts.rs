//! One verdict per order, statement line and slip, from the links the
//! passes made: the status (its most serious finding) and the reasons.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn outcomes(mut self) -> DayResult {
        self.book.forget();
        let day = self.input.day;
        let this = &self;
        let mut orders_out = par_chunks(self.orders.len(), |range| {
            range
                .map(|o| this.order_outcome(OrderIx::from_usize(o)))
                .collect()
        });
        let order_status: IxVec<OrderIx, Status> = orders_out.iter().map(|o| o.status).collect();
        let order_status = &order_status;
        // The grace reason of a pending order, repeated on its slip.
        let order_wait: IxVec<OrderIx, Option<Reason>> = orders_out
            .iter()
            .map(|o| o.reasons.iter().find(|r| is_awaiting(r)).cloned())
            .collect();
        let order_wait = &order_wait;
        let mut statement = par_chunks(self.lines.len(), |range| {
            range
                .map(|l| this.line_outcome(LineIx::from_usize(l), order_status))
                .collect()
        });
        let mut slips_out = par_chunks(self.slips.len(), |range| {
            range
                .map(|s| {
                    this.slip_outcome(&this.slips[SlipIx::from_usize(s)], order_status, order_wait)
                })
                .collect()
        });
        // Canonical ranks already give the contract's order; a stable sort
        // keeps it explicit.
        orders_out.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        statement.sort_by(|a, b| a.line.cmp(&b.line));
        slips_out.sort_by(|a, b| a.file.cmp(&b.file));
        DayResult {
            day,
            orders: orders_out,
            statement,
            slips: slips_out,
        }
    }

    pub(super) fn line_outcome(
        &self,
        l: LineIx,
        order_status: &IxVec<OrderIx, Status>,
    ) -> StatementOutcome {
        let line = self.lines[l];
        {
            let st = &self.lstate[l];
            let mut reasons = Vec::new();
            let mut order_ids: Vec<OrderId> = Vec::new();
            let status = if !line.amount.is_positive() {
                reasons.push(Reason::new(ReasonCode::MoneyOut));
                Status::StatementUnmatched
            } else if !st.units.is_empty() {
                let mut worst = Status::Matched;
                for u in &st.units {
                    for m in self.members(*u) {
                        order_ids.push(self.orders[m].order_id.clone());
                        let s = order_status[m];
                        if matches!(
                            s,
                            Status::AmountMismatch | Status::NameMismatch | Status::Ambiguous
                        ) && severity(s) < severity(worst)
                        {
                            worst = s;
                        }
                    }
                    if let Some(how) = self.units[*u].link {
                        reasons.push(Reason::with(ReasonCode::LinkedBy, how.word()));
                    }
                }
                if order_ids.len() > 1 {
                    reasons.push(Reason::with(ReasonCode::Orders, order_ids.len()));
                }
                worst
            } else if !st.ambiguous_for.is_empty() {
                let ids: BTreeSet<&str> = st
                    .ambiguous_for
                    .iter()
                    .map(|u| self.orders[*u].order_id.0.as_str())
                    .collect();
                reasons.push(Reason::with(
                    ReasonCode::CandidateOrders,
                    ids.into_iter().collect::<Vec<_>>().join(","),
                ));
                Status::Ambiguous
            } else {
                if let Some(s) = st.orphan_slip {
                    reasons.push(Reason::with(
                        ReasonCode::SlipWithoutOrder,
                        self.slips[s].file,
                    ));
                }
                reasons.push(Reason::new(ReasonCode::NoOrder));
                if !self.in_window(l) {
                    reasons.push(Reason::new(ReasonCode::OutsideDayWindow));
                }
                match self.awaiting_order(l) {
                    Some(wait) => {
                        reasons.push(wait);
                        Status::Pending
                    }
                    None => Status::StatementUnmatched,
                }
            };
            order_ids.sort();
            order_ids.dedup();
            reasons.dedup();
            StatementOutcome {
                line: line.source.clone(),
                status,
                order_ids,
                amount: line.amount,
                counterparty_name: line.counterparty.name.clone(),
                reasons,
            }
        }
    }

    pub(super) fn line_sources(&self, ls: &[LineIx]) -> Vec<SourceRef> {
        let mut v: Vec<SourceRef> = ls.iter().map(|l| self.lines[*l].source.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    pub(super) fn order_outcome(&self, o: OrderIx) -> OrderOutcome {
        let order = self.orders[o];
        let me = &self.units[o];
        let u = me.leader.unwrap_or(o);
        let unit = &self.units[u];
        let mut findings: Vec<Status> = Vec::new();
        let mut reasons: Vec<Reason> = Vec::new();
        let cur = order.amount.currency;
        let tol = tolerance_minor(self.cfg, cur);

        // The slip itself.
        let slip_info = me.slip.map(|s| &self.slips[s]);
        if me.slip_missing {
            findings.push(Status::UnreadableSlip);
            reasons.push(Reason::new(ReasonCode::SlipFileMissing));
        }
        if me.slip_by_remark {
            reasons.push(Reason::new(ReasonCode::SlipFoundByRemark));
        }
        let mut slip_amount: Option<Money> = None;
        if let Some(info) = slip_info {
            match &info.kind {
                SlipKind::Unreadable(why) => {
                    findings.push(Status::UnreadableSlip);
                    reasons.push(Reason::with(ReasonCode::Unreadable, why));
                }
                SlipKind::Pending(why) => {
                    findings.push(Status::Pending);
                    reasons.push(Reason::with(ReasonCode::NotReadYet, why));
                }
                SlipKind::Read(s) => {
                    slip_amount = s.amount;
                    if s.amount.is_none() {
                        findings.push(Status::UnreadableSlip);
                        reasons.push(Reason::new(ReasonCode::SlipWithoutAmount));
                    }
                    if info.receiver == Receiver::NotOurs {
                        findings.push(Status::ReceiverMismatch);
                        reasons.extend(info.receiver_reasons.iter().cloned());
                    } else if info.receiver == Receiver::NotShown {
                        reasons.push(Reason::new(ReasonCode::ReceiverNotShown));
                    }
                }
            }
        }
        if !me.dup.is_empty() {
            findings.push(Status::DuplicateSlip);
            reasons.extend(me.dup.iter().cloned());
        }
        if !unit.followers.is_empty() || me.leader.is_some() {
            let mut ids: Vec<&str> = self
                .members(u)
                .filter(|m| *m != o)
                .map(|m| self.orders[m].order_id.0.as_str())
                .collect();
            ids.sort_unstable();
            reasons.push(Reason::with(ReasonCode::PaidTogetherWith, ids.join(",")));
        }

        // The money.
        let expected_unit = self.expected(u);
        let mut paid: Option<Money> = None;
        let mut name_score: Option<f64> = None;
        if !unit.ambiguous.is_empty() {
            findings.push(Status::Ambiguous);
            let srcs: Vec<String> = self
                .line_sources(&unit.ambiguous)
                .iter()
                .map(ToString::to_string)
                .collect();
            reasons.push(Reason::with(ReasonCode::CandidateLines, srcs.join(",")));
            // Who else the candidates could belong to: the orders that make
            // it ambiguous.
            let rivals: BTreeSet<&str> = unit
                .ambiguous
                .iter()
                .flat_map(|l| &self.lstate[*l].ambiguous_for)
                .filter(|x| **x != u)
                .map(|x| self.orders[*x].order_id.0.as_str())
                .collect();
            if !rivals.is_empty() {
                let rivals: Vec<&str> = rivals.into_iter().collect();
                reasons.push(Reason::with(ReasonCode::CompetingOrders, rivals.join(",")));
            }
        }
        if !unit.lines.is_empty() {
            let how = unit.link.unwrap_or(Link::None);
            reasons.push(Reason::with(ReasonCode::LinkedBy, how.word()));
            let total: i64 = unit.lines.iter().filter_map(|l| self.line_minor[*l]).sum();
            let line_cur = self.lines[unit.lines[0]].amount.currency;
            if unit.lines.len() > 1 {
                reasons.push(Reason::with(
                    ReasonCode::SplitPayment,
                    format!("{} lines", unit.lines.len()),
                ));
            }
            // Several orders paid by one line: each order's share.
            let many =
                matches!(how, Link::ManyOrders) || self.lstate[unit.lines[0]].units.len() > 1;
            if many {
                let mut ids: Vec<&str> = self.lstate[unit.lines[0]]
                    .units
                    .iter()
                    .filter(|x| **x != u)
                    .map(|x| self.orders[*x].order_id.0.as_str())
                    .collect();
                ids.sort_unstable();
                if !ids.is_empty() {
                    reasons.push(Reason::with(ReasonCode::PaidTogetherWith, ids.join(",")));
                }
            }
            let unit_total_expected = if many {
                // The line carries several units: compare against all of them.
                self.lstate[unit.lines[0]]
                    .units
                    .iter()
                    .map(|x| self.expected(*x).map_or(0, |e| e.1))
                    .sum::<i64>()
            } else {
                expected_unit.map_or(0, |e| e.1)
            };
            if line_cur != cur {
                findings.push(Status::AmountMismatch);
                reasons.push(Reason::with(ReasonCode::CurrencyDiffers, line_cur));
                paid = Some(Money::from_minor(total, line_cur));
            } else {
                let diff = total - unit_total_expected;
                paid = Some(
                    if diff == 0 && (many || me.leader.is_some() || !unit.followers.is_empty()) {
                        order.amount
                    } else {
                        Money::from_minor(total, cur)
                    },
                );
                let fee = slip_info
                    .and_then(|i| i.slip())
                    .and_then(|s| s.fee.as_ref())
                    .and_then(minor)
                    .unwrap_or(0);
                if diff < 0 && (-diff <= tol || (fee > 0 && -diff == fee)) {
                    reasons.push(Reason::with(
                        ReasonCode::FeeDeducted,
                        Money::from_minor(-diff, cur),
                    ));
                } else if diff < 0 {
                    findings.push(Status::AmountMismatch);
                    reasons.push(Reason::with(
                        ReasonCode::ShortBy,
                        Money::from_minor(-diff, cur),
                    ));
                } else if diff > 0 {
                    findings.push(Status::AmountMismatch);
                    reasons.push(Reason::with(
                        ReasonCode::OverBy,
                        Money::from_minor(diff, cur),
                    ));
                }
            }
            if let Some(sa) = slip_amount
                && paid.is_some_and(|p| p.amount != sa.amount)
                && unit.lines.len() == 1
            {
                reasons.push(Reason::with(ReasonCode::SlipAmount, sa));
            }
            // Names: the order's customer against who paid. The bank's
            // counterparty is who paid; a line that shows no name leaves
            // the slip's sender; a slip tied to its line by the transaction
            // reference is the same account, so its sender counts too (the
            // slip may print the holder in Thai, the bank in English). A
            // payer who is someone else (a relative, a mule account, a slip
            // copied from a stranger) is `name_mismatch`, however strongly
            // the money is linked.
            let line_names: Vec<NameId> = unit
                .lines
                .iter()
                .flat_map(|l| self.line_names[*l].iter().copied())
                .collect();
            let sender: &[NameId] = match (self.valid_slip(u), slip_info) {
                (Some(_), Some(info)) => &info.sender,
                _ => &[],
            };
            let tied = how == Link::TransRef;
            let mut payer: Vec<NameId> = line_names.clone();
            if payer.is_empty() || tied {
                payer.extend_from_slice(sender);
            }
            let customer = [self.customer[o]];
            name_score = self.book.best(&customer, &payer);
            // A payer a person confirmed for this customer on an earlier
            // day counts as the customer.
            if name_score.is_some_and(|s| s < self.cfg.name_threshold)
                && let Some(alias) = payer.iter().find_map(|p| {
                    self.input.decided.alias_for(
                        &order.customer_name,
                        self.book.raw[*p as usize],
                        self.cfg.name_threshold,
                    )
                })
            {
                name_score = Some(1.0);
                reasons.push(Reason::with(ReasonCode::PayerAlias, alias.since));
            }
            match name_score {
                None => reasons.push(Reason::new(ReasonCode::PayerNameNotCompared)),
                // A person linked them: who paid is vouched for.
                Some(_) if how == Link::Decision => {}
                Some(s) if s < self.cfg.name_threshold => {
                    findings.push(Status::NameMismatch);
                    reasons.push(Reason::with(ReasonCode::NameScore, score_reason(s)));
                    reasons.push(Reason::with(
                        ReasonCode::Customer,
                        reason_text(&order.customer_name),
                    ));
                    reasons.push(Reason::with(
                        ReasonCode::Payer,
                        reason_text(self.book.raw[payer[0] as usize]),
                    ));
                }
                Some(_) => {}
            }
            // The bank prints the payer another way than the customer
            // (another script) while the tied slip names the customer.
            if tied
                && name_score.is_some_and(|s| s >= self.cfg.name_threshold)
                && self
                    .book
                    .best(&customer, &line_names)
                    .is_some_and(|s| s < self.cfg.name_threshold)
            {
                reasons.push(Reason::new(ReasonCode::PayerNameDiffers));
            }
            // The slip's sender is not the bank's payer: the bank is right
            // about who paid, but a person may want to know.
            if !tied
                && !line_names.is_empty()
                && self
                    .book
                    .best(sender, &line_names)
                    .is_some_and(|s| s < self.cfg.name_threshold)
            {
                reasons.push(Reason::new(ReasonCode::SenderDiffersFromPayer));
            }
        } else if unit.ambiguous.is_empty() {
            let usable = self.valid_slip(u).is_some();
            if usable {
                findings.push(Status::SlipNotOnStatement);
                reasons.push(Reason::new(ReasonCode::NoStatementLine));
            } else if findings.is_empty() {
                findings.push(Status::Unpaid);
            }
            if let Some(sa) = slip_amount {
                paid = Some(sa);
                if usable
                    && let Some((ecur, exp)) = expected_unit
                    && let Some(m) = minor(&sa)
                {
                    if sa.currency != ecur {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with(ReasonCode::CurrencyDiffers, sa.currency));
                    } else if m < exp {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with(
                            ReasonCode::ShortBy,
                            Money::from_minor(exp - m, ecur),
                        ));
                    } else if m > exp {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with(
                            ReasonCode::OverBy,
                            Money::from_minor(m - exp, ecur),
                        ));
                    }
                }
            }
        }
        // Customer vs slip sender when no line was compared.
        if name_score.is_none()
            && let Some(info) = slip_info
            && !info.sender.is_empty()
        {
            name_score = self.book.best(&[self.customer[o]], &info.sender);
            if let Some(s) = name_score
                && s < self.cfg.name_threshold
            {
                reasons.push(Reason::new(ReasonCode::SenderDiffersFromCustomer));
                reasons.push(Reason::with(ReasonCode::NameScore, score_reason(s)));
            }
        }

        let mut status = findings
            .iter()
            .copied()
            .min_by_key(|s| severity(*s))
            .unwrap_or(Status::Matched);
        // Only a verdict that says "nothing arrived yet" waits out its grace.
        let wait = match status {
            Status::SlipNotOnStatement => self.awaiting(
                AWAITING_STATEMENT,
                slip_info.map_or(self.order_origin[o], |i| i.origin),
                self.cfg.grace.statement_days,
            ),
            Status::Unpaid => self.awaiting(
                AWAITING_PAYMENT,
                self.order_origin[o],
                self.cfg.grace.order_days,
            ),
            _ => None,
        };
        if let Some(wait) = wait {
            reasons.push(wait);
            status = Status::Pending;
        }
        let mut statement_lines = self.line_sources(&unit.lines);
        if statement_lines.is_empty() && !unit.ambiguous.is_empty() {
            statement_lines.clear();
        }
        OrderOutcome {
            order_id: order.order_id.clone(),
            source: order.source.clone(),
            status,
            customer_name: order.customer_name.clone(),
            slip: order
                .slip
                .clone()
                .or_else(|| slip_info.map(|i| i.file.to_string())),
            statement_lines,
            expected: order.amount,
            paid,
            name_score: name_score.map(|s| (s * 1000.0).round() / 1000.0),
            reasons,
        }
    }

    pub(super) fn slip_outcome(
        &self,
        info: &SlipInfo,
        order_status: &IxVec<OrderIx, Status>,
        order_wait: &IxVec<OrderIx, Option<Reason>>,
    ) -> SlipOutcome {
        let mut reasons = Vec::new();
        let slip = info.slip();
        let mut order_ids: Vec<OrderId> = info
            .users
            .iter()
            .map(|o| self.orders[*o].order_id.clone())
            .collect();
        order_ids.sort();
        let mut line = info.line;
        let status = match &info.kind {
            SlipKind::Unreadable(why) => {
                reasons.push(Reason::with(ReasonCode::Unreadable, why));
                Status::UnreadableSlip
            }
            SlipKind::Pending(why) => {
                reasons.push(Reason::with(ReasonCode::NotReadYet, why));
                Status::Pending
            }
            SlipKind::Read(_) if !info.dup.is_empty() => {
                reasons.extend(info.dup.iter().cloned());
                Status::DuplicateSlip
            }
            SlipKind::Read(_) if info.users.is_empty() => {
                reasons.push(Reason::new(ReasonCode::NoOrder));
                let wait = match line {
                    Some(l) => self.awaiting_order(l),
                    None => self.awaiting(
                        AWAITING_STATEMENT,
                        info.origin,
                        self.cfg.grace.statement_days,
                    ),
                };
                if info.receiver == Receiver::NotOurs {
                    reasons.extend(info.receiver_reasons.iter().cloned());
                    Status::ReceiverMismatch
                } else if let Some(wait) = wait {
                    reasons.push(wait);
                    Status::Pending
                } else if line.is_some() {
                    Status::StatementUnmatched
                } else {
                    Status::SlipNotOnStatement
                }
            }
            SlipKind::Read(_) => {
                // The genuine use decides; later reuses are named.
                let mut users = info.users.clone();
                users.sort_by_key(|o| (self.orders[*o].ordered_at, *o));
                let owner = users
                    .iter()
                    .copied()
                    .find(|o| self.units[*o].dup.is_empty());
                let reused: Vec<&str> = users
                    .iter()
                    .filter(|o| !self.units[**o].dup.is_empty())
                    .map(|o| self.orders[*o].order_id.0.as_str())
                    .collect();
                if !reused.is_empty() && owner.is_some() {
                    reasons.push(Reason::with(ReasonCode::ReusedBy, reused.join(",")));
                }
                match owner {
                    Some(o) => {
                        let u = self.units[o].leader.unwrap_or(o);
                        line = self.units[u].lines.first().copied().or(line);
                        reasons.extend(order_wait[o].iter().cloned());
                        order_status[o]
                    }
                    None => {
                        if let Some(o) = users.first() {
                            reasons.extend(self.units[*o].dup.iter().cloned());
                        }
                        Status::DuplicateSlip
                    }
                }
            }
        };
        SlipOutcome {
            file: info.file.to_string(),
            status,
            order_ids,
            statement_line: line.map(|l| self.lines[l].source.clone()),
            amount: slip.and_then(|s| s.amount),
            trans_ref: slip.and_then(|s| s.trans_ref.as_ref()).map(|t| t.0.clone()),
            reasons,
        }
    }
}
