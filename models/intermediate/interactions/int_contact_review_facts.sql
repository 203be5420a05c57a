with

interactions as (
    select * from {{ ref('int_interactions') }}
),

rated_reviews as (
    -- Reviews that carry a rating (1..5).
    select
        interaction_id,
        contact_id,
        rating,
        occurred_at
    from interactions
    where
        interaction_type = 'review'
        and rating is not null
),

reviews_ranked as (
    -- 1 = the review that counts: the latest; two reviews at the same instant, the lower rating
    -- (never overstate satisfaction), then the interaction's key (a total order).
    select
        contact_id,
        rating,
        occurred_at,
        row_number() over (
            partition by contact_id
            order by occurred_at desc, rating asc, interaction_id asc
        ) as review_recency_rank
    from rated_reviews
),

review_facts as (
    select
        contact_id,
        count(*) as rated_reviews,
        max(case when review_recency_rank = 1 then rating end) as last_review_rating,
        max(occurred_at) as last_review_at
    from reviews_ranked
    group by contact_id
)

select * from review_facts
