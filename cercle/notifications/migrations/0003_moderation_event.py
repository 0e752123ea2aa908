from django.db import migrations, models

EVENTS = [('mention', 'Mentions'), ('comment', 'Comments and replies'), ('reaction', 'Reactions'), ('follow', 'New followers'), ('praise', 'Thanks'), ('invitation', 'Community invitations'), ('join_request', 'Requests to join my communities'), ('request_approved', 'My requests accepted'), ('request_declined', 'My requests declined'), ('new_post', 'Posts from sources I set to notify or digest'), ('moderation', 'A moderator hid or moved my post')]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_channels_and_mail"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.CharField(choices=EVENTS, max_length=20),
        ),
        migrations.AlterField(
            model_name="preference",
            name="event",
            field=models.CharField(choices=EVENTS, max_length=20),
        ),
    ]
