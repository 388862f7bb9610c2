"""The engine behind the API (core, dispatcher, members, jobs, privacy, retention); it may import
bot.api, bot.i18n, bot.db, bot.delivery, bot.translation, bot.util and bot.config, never bot.app or
bot.cli."""
