{#-
  amount_minus_items: a payment's amount less what its order's items add up to
  (quantity x unit price - discount, in silver.order_items after this run).
  The shop charges an order's total in one payment, so this is 0 within a cent.
  Only items within the staged payments' order_id range are read (key_range).
-#}
select
    payment.payment_id,
    payment.amount - coalesce(items.items_total, 0) as amount_minus_items
from {{ staged }} as payment
left join (
    select order_id, sum(quantity * unit_price - discount) as items_total
    from ({{ relation("silver", "order_items", ["order_id", "quantity", "unit_price", "discount"], within="order_id") }}) as item
    where order_id in (select order_id from {{ staged }})
    group by order_id
) as items on items.order_id = payment.order_id
