"""The supplier portal: an approved supplier's products, warehouse and stock, the orders routed
to its stock (shipped by the supplier), its earnings and payouts."""
