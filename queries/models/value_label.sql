-- value_label(code): how a person reads a value of the data contract (product.md §2), e.g.
-- 'sharing_nudes' -> 'Sharing nudes', 'deputy_dsl' -> 'Deputy DSL', 'kcsie_annex_b' ->
-- 'KCSIE annex B'. The same rule as safeguarding/contract.py label(), which tests hold equal
-- for every value the contract allows: words split at underscores, acronyms and single letters
-- in capitals, the first letter capitalised.
create or replace macro value_label(code) as (
    select upper(spelled[1]) || spelled[2:]
    from (
        select array_to_string(
            list_transform(
                string_split(code, '_'),
                lambda word: if(
                    list_contains(['dsl', 'kcsie', 'lado', 'camhs', 'send', 'rse', 'csc', 'cse'],
                        word)
                    or length(word) = 1,
                    upper(word),
                    word
                )
            ),
            ' '
        ) as spelled
    )
)
