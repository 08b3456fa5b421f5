# The parcel models moved to the orders app (``orders.0002_parcel`` adds them to its state with
# the same tables). Only Django's state changes here: the tables, their rows and their names
# stay as the migrations before this one created them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('fulfillment', '0003_parcel_event'),
        ('orders', '0002_parcel'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ParcelEvent'),
                migrations.DeleteModel(name='ParcelLine'),
                migrations.DeleteModel(name='Parcel'),
            ],
            database_operations=[],
        ),
    ]
