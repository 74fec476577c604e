// The SKM survey (Permen PANRB 14/2017): nine questions, four answers each, once per case.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import type { SurveyAnswer, SurveyStatus } from "../api/types";
import { formatTime, lang, t } from "../i18n";
import { Empty, ErrorBox, Loading, useLoad } from "../ui";

export function SurveyPage({ no }: { no: string }) {
  const [status, error, reload] = useLoad(() => call<SurveyStatus>("GET",
    `/api/v1/survey/${encodeURIComponent(no)}`), [no]);
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  if (error) return <ErrorBox error={error} />;
  if (!status) return <Loading />;
  const questions = status.questionnaire.elements;
  const missing = questions.filter((q) => !answers[q.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (missing.length) {
      document.getElementById(`q-${missing[0].id}`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body: SurveyAnswer = { answers: answers as SurveyAnswer["answers"],
        comment: comment.trim() || null };
      await call("POST", `/api/v1/survey/${encodeURIComponent(no)}`, { json: body });
      reload();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  const l = lang();
  return <section>
    <p class="crumbs"><a href={`/lacak/${no}`}>{no}</a></p>
    <h1>{t("survey.title")}</h1>
    <p class="lead">{status.title}</p>
    {status.answered_at ? <p class="alert ok" role="status">{t("survey.thanks", { at: formatTime(status.answered_at) })}</p> : null}
    {!status.can_answer && !status.answered_at ? <Empty title={t("survey.notYet")} hint={t("survey.notYet.hint")} /> : null}
    {status.can_answer ? <form onSubmit={submit}>
      {questions.map((q) => <fieldset key={q.id} class="question">
        <legend id={`q-${q.id}`} tabIndex={-1}>{q.letter}. {q.question[l]}</legend>
        {q.choices.map((c) => <label class="choice" key={c.value}>
          <input type="radio" name={q.id} value={c.value} required checked={answers[q.id] === c.value}
            onChange={() => setAnswers({ ...answers, [q.id]: c.value })} /> {c.label[l]}</label>)}
      </fieldset>)}
      <label for="survey-comment">{t("survey.comment")}</label>
      <textarea id="survey-comment" rows={3} maxLength={1000} value={comment}
        onInput={(e) => setComment(e.currentTarget.value)} />
      {missing.length && Object.keys(answers).length ? <p class="hint">{t("survey.left", { n: missing.length })}</p> : null}
      <ErrorBox error={failure} />
      <button type="submit" disabled={busy}>{busy ? t("survey.busy") : t("survey.submit")}</button>
    </form> : null}
  </section>;
}
