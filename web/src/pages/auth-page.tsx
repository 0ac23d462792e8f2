import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import { ErrorNote, Field, useTitle } from '../components/common.js';
import { Link, navigate, useLocation } from '../router.js';
import { safeNext } from '../session.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

/** Sign in and sign up (SPEC §7): username and password, a session cookie. */
export function AuthPage({ mode }: { mode: 'login' | 'signup' }) {
  const signup = mode === 'signup';
  useTitle(signup ? 'Sign up' : 'Sign in');
  const qc = useQueryClient();
  const next = safeNext(useLocation().searchParams.get('next'), '/dashboard');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (!USERNAME.test(username))
      found.username = '3 to 32 letters, digits, dots, dashes or underscores.';
    if (password.length < 8 || password.length > 200) found.password = 'At least 8 characters.';
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const { user } = signup
        ? await api.register(username, password)
        : await api.login(username, password);
      qc.setQueryData(keys.me, user);
      await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      navigate(next);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'username_taken')
        setErrors({ username: 'This username is taken.' });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const other = signup ? '/login' : '/signup';
  return (
    <article className="auth">
      <h1>{signup ? 'Sign up' : 'Sign in'}</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Username" error={errors.username}>
          {(p) => (
            <input
              {...p}
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Password"
          error={errors.password}
          hint={signup ? 'At least 8 characters.' : undefined}
        >
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete={signup ? 'new-password' : 'current-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {signup ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        {signup ? 'Have an account? ' : 'New here? '}
        <Link to={`${other}?next=${encodeURIComponent(next)}`}>
          {signup ? 'Sign in' : 'Sign up'}
        </Link>
      </p>
    </article>
  );
}
