# The parcel models (Parcel, ParcelLine, ParcelEvent and the Parcel–Order link) move from the
# fulfillment app to orders: parcels are the order's shipping plan, and orders must not import
# fulfillment. Only Django's state moves. The tables keep the names the fulfillment migrations
# created them under (``db_table``; the link table follows from ``fulfillment_parcel``) with
# their rows, columns, index and constraint names, so nothing is run on the database here.
# ``fulfillment.0004_parcels_moved_to_orders`` removes the models from fulfillment's state after
# this migration. Their content types (and the permissions that point at them) are renamed to
# the new app so the rows keep their ids.

import django.db.models.deletion
import dropyard.core.ids
from django.conf import settings
from django.db import migrations, models

MOVED = ("parcel", "parcelline", "parcelevent")


def _content_types_move(apps, from_app: str, to_app: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=to_app, model__in=MOVED).values_list("model", flat=True)
    )
    content_type.objects.filter(app_label=from_app, model__in=set(MOVED) - taken).update(
        app_label=to_app
    )


def content_types_to_orders(apps, schema_editor) -> None:
    _content_types_move(apps, "fulfillment", "orders")


def content_types_to_fulfillment(apps, schema_editor) -> None:
    _content_types_move(apps, "orders", "fulfillment")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('fulfillment', '0003_parcel_event'),
        ('inventory', '0002_initial'),
        ('logistics', '0001_initial'),
        ('orders', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Parcel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('public_id', models.CharField(default=dropyard.core.ids.new_public_id, max_length=32, unique=True)),
                        ('code', models.CharField(max_length=32, unique=True)),
                        ('uses_private_stock', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('ready', 'Ready to pick'), ('picking', 'Picking'), ('packed', 'Packed'), ('shipped', 'Shipped'), ('delivered', 'Delivered'), ('exception', 'Delivery exception'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], db_index=True, default='planned', max_length=12)),
                        ('currency', models.CharField(default='USD', max_length=3)),
                        ('postage_minor', models.BigIntegerField(default=0)),
                        ('chargeable_weight_g', models.PositiveIntegerField(default=0)),
                        ('actual_weight_g', models.PositiveIntegerField(default=0)),
                        ('measured_weight_g', models.PositiveIntegerField(blank=True, null=True)),
                        ('min_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('max_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('tracking_number', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('reservation_reference', models.CharField(blank=True, max_length=64)),
                        ('ready_at', models.DateTimeField(blank=True, null=True)),
                        ('packed_at', models.DateTimeField(blank=True, null=True)),
                        ('shipped_at', models.DateTimeField(blank=True, null=True)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('carrier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='logistics.carrier')),
                        ('line', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='logistics.shippingline')),
                        ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='accounts.merchantaccount')),
                        ('orders', models.ManyToManyField(related_name='parcels', to='orders.order')),
                        ('packed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('split_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='splits', to='orders.parcel')),
                        ('warehouse', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='inventory.warehouse')),
                    ],
                    options={
                        'db_table': 'fulfillment_parcel',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ParcelEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('planned', 'Planned'), ('ready', 'Ready to pick'), ('picking', 'Picking'), ('packed', 'Packed'), ('shipped', 'Shipped'), ('delivered', 'Delivered'), ('exception', 'Delivery exception'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], max_length=12)),
                        ('to_status', models.CharField(choices=[('planned', 'Planned'), ('ready', 'Ready to pick'), ('picking', 'Picking'), ('packed', 'Packed'), ('shipped', 'Shipped'), ('delivered', 'Delivered'), ('exception', 'Delivery exception'), ('returned', 'Returned'), ('cancelled', 'Cancelled')], max_length=12)),
                        ('actor_label', models.CharField(blank=True, max_length=254)),
                        ('note', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('parcel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='orders.parcel')),
                    ],
                    options={
                        'db_table': 'fulfillment_parcelevent',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ParcelLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveIntegerField()),
                        ('shipped_quantity', models.PositiveIntegerField(default=0)),
                        ('order_line', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parcel_lines', to='orders.orderline')),
                        ('parcel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='orders.parcel')),
                    ],
                    options={
                        'db_table': 'fulfillment_parcelline',
                        'ordering': ['parcel', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='parcel',
                    index=models.Index(fields=['warehouse', 'status', 'ready_at'], name='fulfillment_warehou_c20377_idx'),
                ),
                migrations.AddConstraint(
                    model_name='parcelline',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='parcel_line_quantity_gte_1'),
                ),
                migrations.AddConstraint(
                    model_name='parcelline',
                    constraint=models.CheckConstraint(condition=models.Q(('shipped_quantity__lte', models.F('quantity'))), name='parcel_line_shipped_lte_quantity'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_orders, content_types_to_fulfillment),
    ]
