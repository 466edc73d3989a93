"""Ask the collection: questions in French or English answered only from the retrieved records, every
statement citing them; offline by default, with a language model when one is configured (docs/ask.md)."""

from vitrine.ask.answer import Answer, Statement, offline_answer
from vitrine.ask.conversation import Conversation, Conversations
from vitrine.ask.grounded import Event, model_answer
from vitrine.ask.limits import Buckets, Limits
from vitrine.ask.model import ChatModel
from vitrine.ask.retrieve import Retrieval, Source, retrieve
from vitrine.ask.service import Asker, answer_of, ask

__all__ = ["Answer", "Asker", "Buckets", "ChatModel", "Conversation", "Conversations", "Event", "Limits",
           "Retrieval",
            "Source", "Statement", "answer_of", "ask", "model_answer", "offline_answer", "retrieve"]
