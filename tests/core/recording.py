"""A minimal Outbound that records calls, for core tests that need no transcript."""

from __future__ import annotations

from bot.api.emoji import Emoji
from bot.api.messages import Attachment, Message
from bot.api.outbound import Capabilities, Delivery, DeliveryStatus, MemberInfo, Outbound
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef


class RecordingOutbound(Outbound):
    platform = "test"
    capabilities = Capabilities(
        buttons=True, selects=True, forms=True, threads=True, ephemeral=True, file_upload=True, reactions=True,
        remove_others_reactions=True, edit_dm=True, max_reactions_per_message=20, max_buttons_per_message=25,
        max_select_options=25, max_text_length=2000, dms_span_communities=False,
    )

    def __init__(self) -> None:
        self.posts: list[tuple[ChannelRef, Message]] = []
        self.private: list[tuple[InteractionRef, Message]] = []
        self.dms: list[tuple[UserRef, Message]] = []
        self.closed_dms: set[str] = set()

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.posts.append((channel, message))
        return MessageRef(channel, str(len(self.posts)))

    async def post_in_thread(self, parent: MessageRef, message: Message) -> MessageRef:
        return await self.post(parent.channel, message)

    async def edit(self, ref: MessageRef, message: Message) -> None:
        self.posts.append((ref.channel, message))

    async def delete(self, ref: MessageRef) -> None:
        return None

    async def send_dm(self, user: UserRef, message: Message, *, key: str | None = None, resend: bool = False,
                      dm_channel: str | None = None) -> Delivery:
        if user.id in self.closed_dms:
            return Delivery(DeliveryStatus.DMS_CLOSED)
        self.dms.append((user, message))
        return Delivery(DeliveryStatus.SENT, MessageRef(ChannelRef("test", f"dm-{user.id}", None, True),
                                                        str(len(self.dms))))

    async def reply_private(self, interaction: InteractionRef, message: Message) -> None:
        self.private.append((interaction, message))

    async def add_reaction(self, ref: MessageRef, emoji: Emoji) -> None:
        return None

    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        return None

    async def read_reactions(self, ref: MessageRef) -> dict[str, tuple[Emoji, list[UserRef]]]:
        return {}

    async def lookup_member(self, community: CommunityRef, user: UserRef) -> MemberInfo | None:
        return MemberInfo(user=user, display_name=user.id)

    async def upload_file(self, destination: ChannelRef | UserRef, attachment: Attachment,
                          message: Message | None = None) -> MessageRef | None:
        return None

    async def resolve_channel(self, community: CommunityRef, text: str) -> ChannelRef | None:
        return ChannelRef("test", text.lstrip("#"), community)

    async def resolve_user(self, community: CommunityRef, text: str) -> UserRef | None:
        return UserRef("test", text.lstrip("@"))
