"""Receipts without Qt: what a sale or refund receipt says (model.py), and its ESC/POS bytes for a thermal
printer (escpos_out.py). The till's HTML receipt (ui/printing.py) renders the same model, so paper, preview
and PDF say the same thing."""
