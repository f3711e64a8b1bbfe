import { Alert, Card, Col, Empty, List, Row, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { describeError } from '../../api/client';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { useCompliance } from './incident-api';
import { RequirementTag } from './RequirementTag';
import type { Incident } from './workflow-state';

/** The requirements completed steps evidence, and those the incident's steps cite that nothing evidences yet. */
export function ComplianceTab({ incident }: { incident: Incident }) {
  const { t, pick } = useI18n();
  const compliance = useCompliance(incident.id);
  if (compliance.error) return <Alert type="error" showIcon title={describeError(compliance.error, t)} />;
  const c = compliance.data;
  const stepTitle = (id: string) => {
    const step = incident.steps.find((s) => s.id === id);
    return step ? pick(step.title) : id;
  };
  return (
    <Card loading={compliance.isPending}>
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 0 }}>
        {t('compliance.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('compliance.intro')}</Typography.Paragraph>
      {c && (
        <>
          <Row gutter={24} style={{ marginBottom: 16 }}>
            <Col>
              <Statistic title={t('compliance.evidenced')} value={c.evidenced.length} />
            </Col>
            <Col>
              <Statistic title={t('compliance.outstanding')} value={c.outstanding.length} />
            </Col>
          </Row>
          <Row gutter={24}>
            <Col xs={24} xl={12}>
              <Typography.Title level={3} style={{ fontSize: 14 }}>
                {t('compliance.outstanding')}
              </Typography.Title>
              <List
                data-testid="compliance-outstanding"
                size="small"
                bordered
                dataSource={c.outstanding}
                locale={{ emptyText: <Empty description={t('compliance.noneOutstanding')} /> }}
                renderItem={(r) => (
                  <List.Item key={r.requirementId}>
                    <span>
                      <RequirementTag id={r.requirementId} /> {r.title ? pick(r.title) : ''}
                    </span>
                  </List.Item>
                )}
              />
            </Col>
            <Col xs={24} xl={12}>
              <Typography.Title level={3} style={{ fontSize: 14 }}>
                {t('compliance.evidenced')}
              </Typography.Title>
              <List
                data-testid="compliance-evidenced"
                size="small"
                bordered
                dataSource={c.evidenced}
                locale={{ emptyText: <Empty description={t('compliance.noneEvidenced')} /> }}
                renderItem={(r) => (
                  <List.Item key={r.requirementId}>
                    <div>
                      <div>
                        <RequirementTag id={r.requirementId} /> {r.title ? pick(r.title) : ''}
                      </div>
                      {r.steps.map((s) => (
                        <div key={s.stepId} className="lf-muted" style={{ fontSize: 12, marginTop: 4 }}>
                          {t('compliance.byStep', {
                            step: stepTitle(s.stepId),
                            phase: labelOf(t, 'phase', s.phase),
                            at: s.completedAt ? dayjs(s.completedAt).format('MM-DD HH:mm') : '—',
                          })}
                          {s.evidence.map((e) => (
                            <Tag key={e} className="lf-evidence" style={{ marginLeft: 4 }}>
                              {e}
                            </Tag>
                          ))}
                        </div>
                      ))}
                    </div>
                  </List.Item>
                )}
              />
            </Col>
          </Row>
        </>
      )}
    </Card>
  );
}
