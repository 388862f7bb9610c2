"""The API a feature or an adapter imports (events, messages, commands, the Cog base, Context, roles,
errors, capabilities); it may import bot.i18n, bot.db and bot.util, never bot.runtime, bot.app or
bot.cli (types under TYPE_CHECKING aside)."""
