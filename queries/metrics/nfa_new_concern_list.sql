-- One row per no-further-action referral to children's social care made in the window that was
-- followed, within $nfa_new_concern_days days, by a new concern about the same pupil (the
-- denominator of nfa_reconsidered_pct; both read the model nfa_followups). is_reconsidered:
-- the DSL recorded reconsidering, or re-referred (CSE policy §15).
-- Parameters: $windows (one), $academy_codes, $standards.
-- Records: yes
with final as (
    select
        academy_code,
        pupil_ref,
        referral_id,
        referred_on,
        decided_on,
        new_concern_id,
        new_concern_logged_at,
        re_referral_on,
        nfa_reconsidered_on,
        is_reconsidered
    from nfa_followups($windows, $standards)
    where is_followed_by_concern
      and list_contains($academy_codes::varchar[], academy_code)
)

select * from final
order by is_reconsidered, new_concern_logged_at desc, academy_code, referral_id
